#!/usr/bin/env bash
# The differential harness's Debian and Ubuntu oracle: dpkg itself. Same line protocol as
# oracle.py ("v\tV" -> ok|invalid, "c\tA\tB" -> -1|0|1|invalid). One dpkg process per question:
# dpkg has no batch mode; the harness asks each distinct question once.
set -u
while IFS=$'\t' read -r kind a b; do
  case "$kind" in
  v) if dpkg --validate-version -- "$a" 2>/dev/null; then echo ok; else echo invalid; fi ;;
  c)
    if ! dpkg --validate-version -- "$a" 2>/dev/null || ! dpkg --validate-version -- "$b" 2>/dev/null; then
      echo invalid
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
