#!/bin/sh
# load_kill9.sh — `tarn load` killed with SIGKILL at different moments (while parsing,
# writing data files, committing, or after it finished) never leaves a lakehouse half
# written: after every kill each table must check whole with ice_check (metadata parses,
# every snapshot's manifests read, every data file present with its recorded size and row
# count), the loaded row count must be a whole number of loads (a load commits all of its
# rows or none), and the lakehouse must take the next load.
#   load_kill9.sh TARN ICE_CHECK WORKDIR
set -eu
tarn=$1
check=$2
dir=$3
rm -rf "$dir"
mkdir -p "$dir"
rows=100000
"$tarn" gen envoy --events $rows --days 3 --seed 3 > "$dir/in.jsonl"
i=0
while [ $i -lt 12 ]; do
    "$tarn" load --data "$dir/lake" "$dir/in.jsonl" > /dev/null 2>&1 &
    pid=$!
    # kill after 0.02 .. 0.61 s: the load itself takes about 0.3 s, so some kills land
    # while it parses or writes, some while it commits, some after it finished
    sleep "0.$(printf '%02d' $(( (i * 11) % 60 + 2 )))"
    kill -9 $pid 2> /dev/null || true
    wait $pid 2> /dev/null || true
    "$check" "$dir/lake" > "$dir/check.txt" 2>&1 || { cat "$dir/check.txt"; exit 1; }
    i=$((i + 1))
done
"$tarn" load --data "$dir/lake" "$dir/in.jsonl"
"$check" "$dir/lake" | tee "$dir/check.txt"
loaded=$(sed -n 's/^analytics\.httproute_raw: .* \([0-9][0-9]*\) rows$/\1/p' "$dir/check.txt")
if [ -z "$loaded" ] || [ $((loaded % rows)) -ne 0 ] || [ "$loaded" -lt $rows ]; then
    echo "load_kill9: $loaded rows is not a whole number of $rows-row loads"
    exit 1
fi
echo "load_kill9: 12 kills, lakehouse whole, $((loaded / rows)) complete loads"
