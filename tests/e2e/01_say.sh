# 01_say.sh — `dalaba say` end to end: text in, speech out, as a cadre uses it.
. tests/e2e/lib.sh

NOTICE="乡亲们，周末咱村西蓝花基地要移植菜苗，需要用工100人。"

# --- help and usage --------------------------------------------------------------
expect_exit 0 "dalaba --help" "$DALABA" --help
check "dalaba --help lists say" grep -q "say" "$TMP/last.out"
expect_exit 0 "dalaba say --help" "$DALABA" say --help
check "say --help documents --text-only and --explain" \
    sh -c "grep -q -- --text-only '$TMP/last.out' && grep -q -- --explain '$TMP/last.out'"
expect_exit 2 "unknown command" "$DALABA" frobnicate
expect_exit 2 "say without text" "$DALABA" say

# --- what will be spoken -----------------------------------------------------------
got=$("$DALABA" say --text-only "$NOTICE")
check "--text-only prints exactly what eSpeak NG is given (numbers read, 多音字 words as pinyin)" \
    [ "$got" = "xiang1 qin1 们，周末咱村西蓝花 ji1 di4 要移植菜苗，需要用工一百人。" ]
check "--text-only prints one line" [ "$(printf '%s\n' "$got" | wc -l)" -eq 1 ]
got=$(printf '%s' "请拨打110，气温-5℃" | "$DALABA" say --text-only -)
check "text from standard input" [ "$got" = "请拨打幺幺零，气温零下五 she4 shi4 du4" ]

"$DALABA" say --explain "$NOTICE" >"$TMP/explain" 2>&1
check "--explain succeeds and shows the phoneme trace" grep -q "phonemes:" "$TMP/explain"
check "--explain shows no (en) for Chinese text" lacks '(en)' "$TMP/explain"
"$DALABA" say --explain "2026年11月23日中午12:00，乡政府召开会议，请各村书记参加" >"$TMP/explain2" 2>&1
check "no (en) in a long mixed notice" sh -c "grep -q phonemes '$TMP/explain2' && ! grep -q '(en)' '$TMP/explain2'"
got=$("$DALABA" say --text-only "请于12/10前缴费，咨询热线0371-6543 2100，手机13812345678")
check "dates with /, and phone numbers in groups with pauses ($got)" \
    [ "$got" = "请于十二月十日前缴费，咨询热线零三七幺，六五四三，二幺零零， shou3 ji1 幺三八，幺二三四，五六七八" ]
"$DALABA" say --explain "2019·2·10 8:30 a.m.，GDP增长-5%，x≥60，HK\$200，50kg，20ms，WIFI，中国1-2，IP 192.168.1.1，ありがとう" >"$TMP/explain3" 2>&1
check "no (en) for dates, a.m., math, money, units, Latin words, scores, kana" \
    sh -c "grep -q phonemes '$TMP/explain3' && ! grep -q '(en)' '$TMP/explain3'"
check "kana is named, not dropped" grep -q "日文" "$TMP/explain3"

# --- the phrase dictionary (built from Debian's Rime data and Unihan) -------------------
"$DALABA" say --explain "村委会要求大家几乎每天都要测量体温，时间为早上。" >"$TMP/explain4" 2>&1
check "--explain names the phrase dictionary in use" \
    grep -q "^phrase dictionary: [0-9][0-9]* words, .*phrases.txt" "$TMP/explain4"
check "要求 is read yao1 qiu2 from it" grep -q "要求 → yao1 qiu2 (phrase dictionary)" "$TMP/explain4"
check "测量 ce4 liang2 from it" grep -q "测量 → ce4 liang2 (phrase dictionary)" "$TMP/explain4"
check "为 after 时间 by the rule, wei2" grep -q "为 → wei2 (rule" "$TMP/explain4"
printf '# a bad dictionary\n要求\t50157\tyao1 qiu2\n中国 107458\n' >"$TMP/bad-phrases.txt"
DALABA_PHRASES="$TMP/bad-phrases.txt" "$DALABA" say --explain "要求大家" >"$TMP/explain5" 2>&1
check "a malformed dictionary is not used, and --explain says which line" \
    grep -q "^phrase dictionary: not in use: .*bad-phrases.txt: line 3: " "$TMP/explain5"
check "... nothing of it is used: 要求 goes to eSpeak NG" \
    grep -q "要求大家 (eSpeak NG's dictionary)" "$TMP/explain5"
expect_exit 0 "without a dictionary dalaba still speaks" \
    env DALABA_PHRASES="$TMP/none.txt" "$DALABA" say -o "$TMP/nodict.wav" "要求大家"
DALABA_PHRASES="$TMP/none.txt" "$DALABA" say --explain "要求" >"$TMP/explain6" 2>&1
check "... and --explain says the file is missing" \
    grep -q "^phrase dictionary: not in use: .*none.txt: No such file" "$TMP/explain6"

# --- rendering to Ogg Opus and WAV -----------------------------------------------------
expect_exit 0 "render the notice to Ogg Opus" "$DALABA" say -o "$TMP/notice.ogg" "$NOTICE"
check "opusinfo accepts the file" opusinfo -q "$TMP/notice.ogg"
check "opusdec decodes it" opusdec --quiet "$TMP/notice.ogg" "$TMP/notice_dec.wav"
info=$("$WAVPROBE" info "$TMP/notice_dec.wav")
secs=$(echo "$info" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
check "decoded audio is 48 kHz mono ($info)" sh -c "echo '$info' | grep -q 'rate=48000 channels=1'"
check "duration is plausible for the sentence ($secs s)" eval "gt $secs 8 && lt $secs 30"
c1=$("$WAVPROBE" tone "$TMP/notice_dec.wav" 0.16 0.35 523.25)
check "it opens with the chime (C5 share $c1)" gt "$c1" 0.3
act=$("$WAVPROBE" active "$TMP/notice_dec.wav")
check "there is speech, not just chimes ($act s active)" gt "$act" 5
tail_c=$("$WAVPROBE" tone "$TMP/notice_dec.wav" "$(awk -v s="$secs" 'BEGIN{print s-2.22}')" 0.35 783.99)
check "it closes with the falling chime (G5 share $tail_c)" gt "$tail_c" 0.3

expect_exit 0 "render to WAV" "$DALABA" say -o "$TMP/notice.wav" "$NOTICE"
info=$("$WAVPROBE" info "$TMP/notice.wav")
check "WAV output is 48 kHz mono" sh -c "echo '$info' | grep -q 'rate=48000 channels=1'"
corr=$("$WAVPROBE" xcorr "$TMP/notice.wav" "$TMP/notice_dec.wav" 0.1 | cut -d' ' -f1)
check "Ogg Opus and WAV renders match (correlation $corr)" gt "$corr" 0.8
check "no .new file is left behind" sh -c "! ls '$TMP'/*.new 2>/dev/null"

# --- the shape of a notice ------------------------------------------------------------------
"$DALABA" say --no-chime -o "$TMP/r1.wav" "今天下午停电，请大家做好准备。" 2>/dev/null
"$DALABA" say --no-chime --repeat 3 -o "$TMP/r3.wav" "今天下午停电，请大家做好准备。" 2>/dev/null
d1=$("$WAVPROBE" info "$TMP/r1.wav" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
d3=$("$WAVPROBE" info "$TMP/r3.wav" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
check "--repeat 3 reads the body three times ($d1 s vs $d3 s)" \
    gt "$d3" "$(awk -v a="$d1" 'BEGIN{print 3*a}')"
nc=$("$WAVPROBE" tone "$TMP/r1.wav" 0.16 0.35 523.25)
check "--no-chime has no chime ($nc)" lt "$nc" 0.1
"$DALABA" say --emergency -o "$TMP/alert.wav" "紧急通知，山洪预警，请立即转移。" 2>/dev/null
hi=$("$WAVPROBE" tone "$TMP/alert.wav" 0.16 0.2 960)
lo=$("$WAVPROBE" tone "$TMP/alert.wav" 0.41 0.2 770)
ch=$("$WAVPROBE" tone "$TMP/alert.wav" 0.16 0.35 523.25)
check "--emergency opens with the hi-lo alert tone ($hi, $lo)" eval "gt $hi 0.5 && gt $lo 0.5"
check "--emergency does not use the notice chime ($ch)" lt "$ch" 0.05
"$DALABA" say --title "停电通知" -o "$TMP/titled.wav" "今天下午停电。" 2>/dev/null
"$DALABA" say -o "$TMP/untitled.wav" "今天下午停电。" 2>/dev/null
dt=$("$WAVPROBE" info "$TMP/titled.wav" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
du=$("$WAVPROBE" info "$TMP/untitled.wav" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
check "--title is read before the body ($du s -> $dt s)" gt "$dt" "$(awk -v a="$du" 'BEGIN{print a+1.2}')"
"$DALABA" say --no-chime --rate 100 -o "$TMP/slow.wav" "今天下午停电，请大家做好准备。" 2>/dev/null
ds=$("$WAVPROBE" info "$TMP/slow.wav" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
check "--rate 100 is slower than the default ($d1 s vs $ds s)" gt "$ds" "$d1"

# --- voices and the lexicon -------------------------------------------------------------------------
got=$("$DALABA" say --voice cantonese --text-only "请拨打110")
check "Cantonese reads phone digits with 一" [ "$got" = "请拨打一一零" ]
expect_exit 0 "render in Cantonese" "$DALABA" say --voice cantonese -o "$TMP/yue.wav" "各位街坊，今日下午停水。"
expect_exit 0 "--voice list" "$DALABA" say --voice list
check "--voice list names mandarin and cantonese" sh -c "grep -q mandarin '$TMP/last.out' && grep -q cantonese '$TMP/last.out'"
printf '# village names\n重庆 chong2 qing4\n大苍村 da4 cang1 cun1\n' >"$TMP/lex.txt"
got=$("$DALABA" say --lexicon "$TMP/lex.txt" --text-only "明天去重庆")
check "lexicon override replaces the word with its pinyin ($got)" [ "$got" = "明天去 chong2 qing4" ]
"$DALABA" say --lexicon "$TMP/lex.txt" --explain "大苍村" >"$TMP/lexexplain" 2>&1
check "eSpeak NG reads the pinyin as Mandarin tones (cang1 -> a55)" grep -q "tsh'a55N" "$TMP/lexexplain"
check "and with no (en) in the trace" lacks '(en)' "$TMP/lexexplain"
got=$(DALABA_LEXICON="$TMP/lex.txt" "$DALABA" say --text-only "大苍村")
check "DALABA_LEXICON is honoured" [ "$got" = "da4 cang1 cun1" ]
got=$("$DALABA" say --text-only "村长说：银行行长和干部重新种地，董事长呕吐了。")
check "polyphonic words are read as a broadcaster reads them, with no lexicon ($got)" \
    [ "$got" = "cun1 zhang3 说， yin2 hang2 hang2 zhang3 和 gan4 bu4 chong2 xin1 zhong4 di4， dong3 shi4 zhang3 ou3 tu4 了。" ]
"$DALABA" say --explain "董事长" >"$TMP/polyexplain" 2>&1
check "and 董事长 is three syllables, not five ($(tail -n 1 "$TMP/polyexplain"))" \
    [ "$(tail -n 1 "$TMP/polyexplain" | grep -o '_|' | wc -l)" = 3 ]
printf '重庆 chongqing\n' >"$TMP/badlex.txt"
expect_exit 1 "a malformed lexicon is refused" "$DALABA" say --lexicon "$TMP/badlex.txt" --text-only "重庆"
check "the error names the file and line" stderr_has "badlex.txt:1"

# --- where each reading came from (say --explain's readings:) -----------------------------------------
printf '大苍村 da4 cang1 cun1\n乐亭 le4 ting2\n' >"$TMP/lex2.txt"
"$DALABA" say --lexicon "$TMP/lex2.txt" --explain "8:30，大苍村村长到六安银行讲话" >"$TMP/why" 2>&1
check "--explain lists the readings between the text and the phonemes" \
    sh -c "sed -n 2p '$TMP/why' | grep -qx 'readings:' && grep -q '^phonemes:' '$TMP/why'"
check "a county lexicon word says so" grep -q "大苍村 → da4 cang1 cun1 (county lexicon)" "$TMP/why"
check "a polyphone says so" grep -q "村长 → cun1 zhang3 (polyphone table)" "$TMP/why"
check "a place name of the default lexicon says so" grep -q "六安 → lu4 an1 (default lexicon)" "$TMP/why"
check "a clock time names its normalisation rule" grep -q "8:30 → 八点三十分 (normalisation: numbers" "$TMP/why"
check "what eSpeak NG reads itself says so" grep -q "讲话 (eSpeak NG's dictionary)" "$TMP/why"
"$DALABA" say --lexicon "$TMP/lex2.txt" --explain "乐亭县" >"$TMP/why2" 2>&1
check "the county's entry wins over the default lexicon, and says so" \
    grep -q "乐亭 → le4 ting2 (county lexicon)" "$TMP/why2"

# --- hostile and wrong input -------------------------------------------------------------------------
expect_exit 1 "invalid UTF-8 is refused" "$DALABA" say -o "$TMP/bad.ogg" "$(printf 'abc\377')"
check "the error says UTF-8" stderr_has "UTF-8"
check "no file is written for bad input" sh -c "[ ! -e '$TMP/bad.ogg' ] && [ ! -e '$TMP/bad.ogg.new' ]"
expect_exit 1 "empty text is refused" "$DALABA" say -o "$TMP/bad.ogg" ""
expect_exit 1 "punctuation only is refused" "$DALABA" say --text-only "，。！"
check "the error says nothing to say" stderr_has "nothing to say"
awk 'BEGIN { for (i = 0; i < 11000; i++) printf "乡" }' >"$TMP/huge.txt"
expect_exit 1 "text over the size limit is refused" sh -c "'$DALABA' say --text-only - <'$TMP/huge.txt'"
check "the error states the limit" stderr_has "limit"
expect_exit 2 "unknown voice" "$DALABA" say --voice klingon "你好"
check "the error names the voice" stderr_has "klingon"
expect_exit 2 "unknown output format" "$DALABA" say -o "$TMP/x.flac" "你好"
check "the error names the formats" stderr_has ".mp3"
expect_exit 0 "an MP3 is written (what podcast apps play)" "$DALABA" say -o "$TMP/x.mp3" "你好"
check "and ffprobe reads it as MP3, mono, 48 kHz" sh -c "ffprobe -v error -show_entries stream=codec_name,channels,sample_rate -of csv=p=0 '$TMP/x.mp3' | grep -qx 'mp3,48000,1'"
expect_exit 2 "rate out of range" "$DALABA" say --rate 900 "你好"
expect_exit 2 "repeat out of range" "$DALABA" say --repeat 0 "你好"
expect_exit 2 "repeat not a number" "$DALABA" say --repeat two "你好"
expect_exit 1 "unwritable output directory" "$DALABA" say -o /nonexistent/dir/x.ogg "你好"

# --- through real ALSA (file plugin over null, test-local asoundrc) ----------------------
alsa_file_pcm "$TMP/alsa_out.wav"
expect_exit 0 "play through ALSA device dalaba_file" env HOME="$TMP" "$DALABA" say -d dalaba_file "$NOTICE"
check "ALSA wrote the audio" test -s "$TMP/alsa_out.wav"
corr=$("$WAVPROBE" xcorr "$TMP/notice.wav" "$TMP/alsa_out.wav" 0.1 | cut -d' ' -f1)
check "what ALSA played matches the rendered file (correlation $corr)" gt "$corr" 0.99
expect_exit 1 "a missing ALSA device is a clear error" env HOME="$TMP" "$DALABA" say -d no_such_pcm "你好"
check "the error suggests -o" stderr_has "-o"

# --- the render cache ----------------------------------------------------------------------------------
"$DALABA" say --cache "$TMP/cache" -o "$TMP/c1.wav" "$NOTICE" 2>"$TMP/c1.err"
"$DALABA" say --cache "$TMP/cache" -o "$TMP/c2.wav" "$NOTICE" 2>"$TMP/c2.err"
check "first render fills the cache" grep -q "rendered, cached" "$TMP/c1.err"
check "second identical render comes from the cache" grep -q "from cache" "$TMP/c2.err"
check "cached audio is identical to the first render" cmp -s "$TMP/c1.wav" "$TMP/c2.wav"
check "the cache holds one entry" [ "$(ls "$TMP/cache" | wc -l)" -eq 1 ]
"$DALABA" say --cache "$TMP/cache" --rate 120 -o "$TMP/c3.wav" "$NOTICE" 2>"$TMP/c3.err"
check "a different rate is a different entry" grep -q "rendered, cached" "$TMP/c3.err"
"$DALABA" say --cache "$TMP/cache" --lexicon "$TMP/lex.txt" -o "$TMP/c4.wav" "$NOTICE" 2>"$TMP/c4.err"
check "a different lexicon is a different entry" grep -q "rendered, cached" "$TMP/c4.err"

# --- loudness, by a meter we did not write -------------------------------------------
# ffmpeg's ebur128 filter (its own BS.1770 code, not libebur128's): each
# render at -16 LUFS within 1 LU, its true peak under -1 dBTP.
# r128 FILE: "I TP" from ffmpeg's summary
r128() {
	ffmpeg -hide_banner -nostats -i "$1" -af ebur128=peak=true -f null - 2>&1 |
	    awk '/Summary:/ { s = 1 } s && $1 == "I:" { i = $2 }
		s && $1 == "Peak:" { p = $2 } END { print i, p }'
}
check "ffmpeg is installed (Debian: ffmpeg)" command -v ffmpeg
expect_exit 0 "say -o x.wav" "$DALABA" say -o "$TMP/x.wav" "$NOTICE"
for f in x notice r1 r3 alert titled slow yue; do
	set -- $(r128 "$TMP/$f.wav")
	check "$f.wav measures -16 LUFS within 1 LU (ffmpeg: $1 LUFS, true peak $2 dBTP)" \
	    eval "gt ${1:-0} -17 && lt ${1:-0} -15 && lt ${2:-0} -1"
done
set -- $(r128 "$TMP/notice_dec.wav")
check "and so does its Ogg Opus copy, decoded ($1 LUFS, true peak $2 dBTP)" \
    eval "gt ${1:-0} -17 && lt ${1:-0} -15"

finish
