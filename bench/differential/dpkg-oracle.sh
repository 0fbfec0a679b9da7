#!/usr/bin/env bash
# The differential harness's Debian and Ubuntu oracle: dpkg itself. Same line protocol as
# oracle.py ("v\tV" -> ok|invalid, "c\tA\tB" -> -1|0|1|invalid). dpkg has no batch mode, so each
# question is one dpkg process (validity is asked once per version and remembered); the harness
# asks each distinct question once.
set -u
declare -A valid
ok() {
  if [ -z "${valid[$1]+x}" ]; then
    if dpkg --validate-version -- "$1" 2>/dev/null; then valid[$1]=1; else valid[$1]=0; fi
  fi
  [ "${valid[$1]}" = 1 ]
}
while IFS=$'\t' read -r kind a b; do
  case "$kind" in
  v) if ok "$a"; then echo ok; else echo invalid; fi ;;
  c)
    if ! ok "$a" || ! ok "$b"; then
      echo invalid
    elif [ "$a" = "$b" ]; then
      echo 0
    elif dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then
      echo -1
    elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then
      echo 0
    else
      echo 1
    fi
    ;;
  *) echo invalid ;;
  esac
done
