# 02_stream.sh — a notice streamed by dalaba-broadcast to real dalaba-speaker
# processes on loopback: three in the target village (two writing WAV, one
# through real ALSA via the file plugin), one in the next village that must
# hear nothing. Each output must match the source (Opus is lossy: compare by
# cross-correlation).
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
PORT=$((20000 + $$ % 20000))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
check "the server key is created, mode 0600" sh -c "[ \"\$(stat -c %a server.key)\" = 600 ]"
check "the public key is 64 hex digits" sh -c "echo '$PK' | grep -Eq '^[0-9a-f]{64}$'"
alsa_file_pcm "$TMP/alsa3.wav"
for i in 1 2 3 4; do
	K=$(new_key)
	Z=110101001001
	[ "$i" = 4 ] && Z=110101001002
	OUT="wav:$TMP/out$i.wav"
	[ "$i" = 3 ] && OUT="alsa:dalaba_file"
	echo "$i $Z $K" >>speakers.txt
	speaker_conf $i $Z "$K" $PORT "$PK" "$OUT" >s$i.conf
done

expect_exit 0 "dalaba-speaker -n accepts a good configuration" "$SPK" -n -c s1.conf
check "and says so" grep -q "configuration OK" "$TMP/last.out"
sed 's/^zone = .*/zone = 1101/' s1.conf >bad.conf
expect_exit 1 "dalaba-speaker -n refuses a bad zone" "$SPK" -n -c bad.conf
check "naming the line" stderr_has "bad.conf:3"
sed 's/^hello_ms/helo_ms/' s1.conf >typo.conf
expect_exit 1 "an unknown key is an error, not ignored" "$SPK" -n -c typo.conf
expect_exit 0 "dalaba-speaker --help" "$SPK" --help
expect_exit 0 "dalaba-broadcast --help" "$BC" --help

"$TOP/$BUILD/dalaba" say -o src.wav "乡亲们，周末咱村西蓝花基地要移植菜苗，需要用工100人。" 2>/dev/null
for i in 1 2 3 4; do
	HOME=$TMP "$SPK" -c s$i.conf --stats s$i.stats 2>s$i.err &
	eval "PID$i=$!"
done
"$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 4 --wav src.wav 2>bc.err &
BCPID=$!

# A running speaker's WAV file must read as what it has played so far (sox
# and other tools trust the header's sizes, not the file's length; wavprobe
# reads to the end, so the header is checked with soxi). Mid-stream: once
# speaker 1 has played 1.2 s, within a few seconds the header says more
# than 0.5 s, never more than the file holds, while the notice still airs.
played_of() { awk '$1=="played"{print $2}' "$1" 2>/dev/null; }
hdr_s() { soxi -s "$1" 2>/dev/null || echo 0; }
data_s() { "$WAVPROBE" info "$1" | sed 's/.*frames=\([0-9]*\).*/\1/'; }
n=0
until [ "$(played_of s1.stats)" -ge 20 ] 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 150 ] && break	# 30 s
	sleep 0.2
done
n=0
while [ "$(hdr_s out1.wav)" -le 24000 ]; do
	n=$((n + 1)); [ $n -gt 15 ] && break	# 3 s: the header is rewritten every second
	sleep 0.2
done
mid_hdr=$(hdr_s out1.wav)
mid_data=$(data_s out1.wav)
mid_airing=no
kill -0 $BCPID 2>/dev/null && mid_airing=yes
check "while playing, soxi reads speaker 1's WAV as audio ($mid_hdr samples, notice still airing: $mid_airing)" \
    sh -c "[ $mid_hdr -gt 24000 ] && [ $mid_airing = yes ]"
check "and the header claims no more than the file holds ($mid_hdr <= $mid_data)" [ "$mid_hdr" -le "$mid_data" ]

wait $BCPID
bc_rc=$?
check "dalaba-broadcast exits 0 (exit $bc_rc)" [ "$bc_rc" -eq 0 ]
check "dalaba-broadcast streamed the notice" grep -q "packets sent" bc.err
check "all four speakers were online" sh -c "[ \$(grep -c ' online ' bc.err) -eq 4 ]"

src_dur=$(soxi -D src.wav)
# Still running, now idle: within a few seconds each WAV speaker's header
# covers exactly what is in its file, which is what it played (60 ms frames).
for i in 1 2; do
	n=0
	until [ "$(hdr_s out$i.wav)" -gt 0 ] && [ "$(hdr_s out$i.wav)" -eq "$(data_s out$i.wav)" ] &&
	    grep -q "^playing 0" s$i.stats; do
		n=$((n + 1)); [ $n -gt 25 ] && break	# 5 s
		sleep 0.2
	done
	dur=$(soxi -D out$i.wav)
	soxi_rc=$?
	hdr=$(hdr_s out$i.wav)
	data=$(data_s out$i.wav)
	frames=$(awk '$1=="played"||$1=="fec_recovered"||$1=="concealed"{n+=$2} END{print n+0}' s$i.stats)
	check "speaker $i still runs" kill -0 "$(eval echo \$PID$i)"
	check "soxi -D reads its WAV while it runs (exit $soxi_rc, $dur s)" sh -c "[ $soxi_rc -eq 0 ] && [ $hdr -gt 0 ]"
	check "its header covers the whole file ($hdr of $data samples)" [ "$hdr" -eq "$data" ]
	check "which is the $frames frames it played ($dur s)" [ "$hdr" -eq $((frames * 2880)) ]
	check "the source's length, to a frame or two ($dur s, source $src_dur s)" \
	    awk -v d="$dur" -v s="$src_dur" 'BEGIN { exit !(d > s - 0.07 && d < s + 0.13) }'
done

kill $PID1 $PID2 $PID3 $PID4
for i in 1 2 3 4; do
	wait "$(eval echo \$PID$i)"
	rc=$?
	check "speaker $i exits 0 on SIGTERM (exit $rc)" [ "$rc" -eq 0 ]
done
check "speakers exit cleanly on SIGTERM (no error or warning logged)" \
    lacks 'error\|warning' s1.err
check "speaker 1's log: started, clock synced, the stream started and ended, stopped" \
    all grep -q "speaker 1 of zone 110101001001" s1.err -and \
    grep -q "clock synced with the server" s1.err -and \
    grep -q "stream [0-9a-f]* (class [0-9]) starts" s1.err -and \
    grep -q "stream [0-9a-f]* (class [0-9]) over: [1-9][0-9]* frames played" s1.err -and \
    grep -q "stopping: [1-9][0-9]* frames played, 1 streams" s1.err
check "the final header covers speaker 1's whole file" [ "$(hdr_s out1.wav)" -eq "$(data_s out1.wav)" ]

src_frames=$(awk 'BEGIN{}' ; "$WAVPROBE" info src.wav | sed 's/.*frames=\([0-9]*\).*/\1/')
want_pkts=$(( (src_frames + 2879) / 2880 + 1 ))
for i in 1 2 3; do
	f=out$i.wav
	[ "$i" = 3 ] && f=alsa3.wav
	played=$(awk '$1=="played"{print $2}' s$i.stats)
	check "speaker $i played every frame ($played of $want_pkts)" [ "$played" -ge $((want_pkts - 1)) ]
	check "speaker $i refused nothing" sh -c "grep -q '^played' s$i.stats &&
	    ! grep -E '^dropped_' s$i.stats | grep -qv ' 0$'"
	corr=$("$WAVPROBE" xcorr src.wav "$f" 0.5 | cut -d' ' -f1)
	check "speaker $i output matches the source (correlation $corr)" gt "$corr" 0.85
	check "speaker $i synced its clock" grep -q "^synced 1" s$i.stats
done
played4=$(awk '$1=="played"{print $2}' s4.stats)
check "the speaker in the next village played nothing ($played4)" [ "$played4" = 0 ]
frames4=$("$WAVPROBE" info out4.wav | sed 's/.*frames=\([0-9]*\).*/\1/')
check "and its output is empty" [ "$frames4" = 0 ]
finish
