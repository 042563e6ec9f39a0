#!/bin/sh
# Seeds for the peer harnesses (specs/fuzzing-peers.md): small mkimg images of the
# features each peer parses, written to fuzz/peers/corpus/<target>/.
# Usage: fuzz/peers/make_seeds.sh PATH/TO/mkimg
set -eu
mkimg=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mkimg-peer-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
iso=$here/corpus/libiso9660_fuzzer
udf=$here/corpus/libudfread_fuzzer
mkdir -p "$iso" "$udf"
T='"volume": {"id": "SEED", "timestamp": "2026-01-01T00:00:00Z"}'
seed() {  # NAME DEST-FOLDER MANIFEST-JSON
  printf '%s\n' "$3" > "$work/$1.json"
  "$mkimg" build "$work/$1.json" -o "$2/$1" --quiet
}
seed mkimg-rr-joliet-deep "$iso" '{"mkimg": 1, '"$T"',
 "filesystems": {"iso9660": {"level": 3, "rock_ridge": true}, "joliet": {}},
 "contents": [{"target": "/hello.txt", "text": "hello\n"}, {"target": "/d/e/f.txt", "text": "deep\n"},
  {"target": "/l", "symlink": "d/e/f.txt"},
  {"target": "/a/b/c/d/e/f/g/h/i/j/deep.txt", "text": "very deep\n"},
  {"target": "/this-is-a-very-long-file-name-that-goes-past-sixty-four-utf16-units-in-joliet.txt", "text": "long\n"}]}'
seed mkimg-level1-joliet "$iso" '{"mkimg": 1, '"$T"',
 "filesystems": {"iso9660": {"level": 1, "rock_ridge": false}, "joliet": {}},
 "contents": [{"target": "/readme.txt", "text": "level one\n"}, {"target": "/dir/sub/x.bin", "size": 4097}]}'
seed mkimg-rr-only "$iso" '{"mkimg": 1, '"$T"',
 "filesystems": {"iso9660": {"level": 2, "rock_ridge": true}},
 "contents": [{"target": "/a", "text": "a\n", "mode": "0600", "uid": 1000},
  {"target": "/dev/link", "symlink": "../../../very/long/target/path/that/needs/several/components/to/be/recorded/in/SL"},
  {"target": "/long-name-rock-ridge-needs-an-NM-entry-of-considerable-length-to-hold-it-all-in-one-piece.txt", "text": "nm\n"}]}'
seed mkimg-rr-relocated "$iso" '{"mkimg": 1, '"$T"',
 "filesystems": {"iso9660": {"level": 3, "rock_ridge": true, "relocate_deep_directories": true}},
 "contents": [{"target": "/1/2/3/4/5/6/7/8/9/10/deep.txt", "text": "deep\n"}]}'
for rev in 1.02 2.01; do
  seed "mkimg-udf$(echo $rev | tr -d .)" "$udf" '{"mkimg": 1, '"$T"',
   "filesystems": {"udf": {"revision": "'$rev'"}},
   "contents": [{"target": "/hello.txt", "text": "hello\n"}, {"target": "/d/e/f.txt", "text": "deep\n"},
    {"target": "/l", "symlink": "d/e/f.txt"}, {"target": "/empty", "size": 0},
    {"target": "/sparse.bin", "size": 3000000}, {"target": "/dir", "directory": true}]}'
done
seed mkimg-udf260-mirror "$udf" '{"mkimg": 1, '"$T"',
 "filesystems": {"udf": {"revision": "2.60", "redundant_metadata": true}},
 "contents": [{"target": "/hello.txt", "text": "hello\n"}, {"target": "/d/e/f.txt", "text": "deep\n"},
  {"target": "/l", "symlink": "d/e/f.txt"}]}'
seed mkimg-bridge-udf201 "$udf" '{"mkimg": 1, '"$T"',
 "filesystems": {"iso9660": {"level": 3, "rock_ridge": true}, "joliet": {}, "udf": {"revision": "2.01"}},
 "contents": [{"target": "/hello.txt", "text": "hello\n"}, {"target": "/docs/a.txt", "text": "aaaa\n"}]}'
ls -l "$iso" "$udf"
