#!/bin/sh
echo "hello from a disc image"
