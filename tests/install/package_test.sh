#!/usr/bin/env bash
# The installed mkimg (specs/install.md): `cmake --install` into a scratch prefix, then the
# Debian package built by CPack, unpacked with `dpkg -x` into a scratch root (no root
# install needed) and run from there: --version, the man page, the bash and zsh
# completions, the schema, and `mkimg emu run` burning with xorriso through the preload
# library installed beside it. Usage: package_test.sh BUILD_DIR SCENARIO
# (SCENARIO: install | deb). Exit 0 pass, 1 fail, 77 a tool is missing.
set -euo pipefail
build=$1
scenario=$2
export LC_ALL=C.UTF-8
unset MKIMG_PRELOAD_LIBRARY
work=$(mktemp -d "${TMPDIR:-/tmp}/mkimg-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# Checks an installed tree under $1 (the prefix: .../usr).
check_tree() {
  local prefix=$1
  for f in bin/mkimg lib/mkimg/libmkimg_preload.so share/man/man1/mkimg.1.gz \
           share/bash-completion/completions/mkimg share/zsh/vendor-completions/_mkimg \
           share/mkimg/manifest.schema.json; do
    [ -f "$prefix/$f" ] || fail "$prefix/$f is not installed"
  done
  local version
  version=$("$prefix/bin/mkimg" --version)
  [ "$version" = "mkimg @PROJECT_VERSION@" ] || fail "installed mkimg --version says '$version'"
  # The man page is the help text: every command has its section, options included.
  local man
  man=$(gzip -dc "$prefix/share/man/man1/mkimg.1.gz")
  for needle in '.TH MKIMG 1' '.SS "mkimg ls"' '.SS "mkimg emu run"' '\-\-disc\-order' \
                '\-\-keep\-partial' '.SH EXIT STATUS'; do
    grep -qF -- "$needle" <<<"$man" || fail "the man page lacks $needle"
  done
  if command -v man >/dev/null; then
    local rendered
    rendered=$(MANWIDTH=80 MANPAGER=cat man -l "$prefix/share/man/man1/mkimg.1.gz" 2>"$work/man.err") \
      || fail "man -l failed: $(cat "$work/man.err")"
    grep -q "disc.order" <<<"$rendered" || fail "man -l does not render the page: $(cat "$work/man.err")"
  fi
  # bash completion: complete as bash would.
  local got
  got=$(bash -c 'source "$1"
    COMP_WORDS=(mkimg ls --di); COMP_CWORD=2; _mkimg; echo "${COMPREPLY[*]}"
    COMP_WORDS=(mkimg bu); COMP_CWORD=1; _mkimg; echo "${COMPREPLY[*]}"
    COMP_WORDS=(mkimg bui); COMP_CWORD=1; _mkimg; echo "${COMPREPLY[*]}"
    COMP_WORDS=(mkimg emu r); COMP_CWORD=2; _mkimg; echo "${COMPREPLY[*]}"
    COMP_WORDS=(mkimg ls x.iso --fs j); COMP_CWORD=4; _mkimg; echo "${COMPREPLY[*]}"' \
    sh "$prefix/share/bash-completion/completions/mkimg")
  [ "$got" = $'--disc-order\nbuild burn\nbuild\nrun\njoliet' ] || fail "bash completion gave: $got"
  grep -q '^#compdef mkimg' "$prefix/share/zsh/vendor-completions/_mkimg" || fail "zsh: no #compdef"
  grep -q -- '--keep-partial' "$prefix/share/zsh/vendor-completions/_mkimg" || fail "zsh: options"
  if command -v zsh >/dev/null; then
    zsh -n "$prefix/share/zsh/vendor-completions/_mkimg" || fail "zsh completion does not parse"
  fi
  "$prefix/bin/mkimg" schema | cmp -s - "$prefix/share/mkimg/manifest.schema.json" \
    || fail "the installed schema is not what mkimg schema prints"
  # emu run with the preload library installed beside the binary (../lib/mkimg).
  if command -v xorriso >/dev/null; then
    mkdir -p "$work/src"
    echo hello > "$work/src/hello.txt"
    "$prefix/bin/mkimg" emu new cd-r "$work/disc.emu"
    env -i PATH=/usr/bin:/bin HOME="$work" "$prefix/bin/mkimg" emu run \
      --drive /dev/sr0="$work/disc.emu" -- xorriso -outdev /dev/sr0 -map "$work/src" / -commit \
      >"$work/burn.log" 2>&1 || fail "emu run with the installed preload library: $(tail -5 "$work/burn.log")"
    "$prefix/bin/mkimg" emu export "$work/disc.emu" "$work/disc.iso"
    xorriso -osirrox on -indev "$work/disc.iso" -extract / "$work/back" >/dev/null 2>&1
    cmp "$work/src/hello.txt" "$work/back/hello.txt" || fail "burnt data differs"
    rm -rf "$work/src" "$work/back" "$work/disc.emu" "$work/disc.iso"
  else
    echo "note: xorriso missing, emu run not tried"
  fi
}

case $scenario in
  install)
    cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" \
      || fail "cmake --install: $(cat "$work/install.log")"
    check_tree "$work/prefix"
    ;;
  deb)
    command -v dpkg-deb >/dev/null && command -v cpack >/dev/null || exit 77
    cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 \
      || fail "cpack: $(tail -20 "$work/cpack.log")"
    deb=$(ls "$work"/pkg/*.deb)
    [ "$(dpkg-deb -f "$deb" Package)" = mkimg ] || fail "package name"
    depends=$(dpkg-deb -f "$deb" Depends)
    grep -q 'libc6' <<<"$depends" || fail "Depends lacks libc6: '$depends'"
    contents=$(dpkg-deb -c "$deb")
    for f in ./usr/bin/mkimg ./usr/lib/mkimg/libmkimg_preload.so ./usr/share/man/man1/mkimg.1.gz \
             ./usr/share/bash-completion/completions/mkimg ./usr/share/zsh/vendor-completions/_mkimg; do
      grep -qF " $f" <<<"$contents" || fail "$f is not in the package"
    done
    dpkg -x "$deb" "$work/root"
    check_tree "$work/root/usr"
    echo "package: $(basename "$deb"), Depends: $depends"
    ;;
  *) fail "unknown scenario $scenario" ;;
esac
echo "pass: $scenario"
