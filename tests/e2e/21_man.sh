# 21_man.sh — the man pages in doc/man/: each renders with groff without a
# warning, and names every option its program's --help prints (for dalaba,
# the help of every command), so a new option cannot leave its page stale.
. tests/e2e/lib.sh
cd "$TMP" || exit 1
MAN=$TOP/doc/man
B=$TOP/$BUILD

# render PAGE: plain text (no bold or underline); groff's warnings (-ww,
# all of them) in $TMP/PAGE.err. A minus sign or hyphen rendered as
# U+2212 or U+2010 reads back as "-".
render() {
	groff -k -man -Tutf8 -ww -P-cbou "$MAN/$1" 2>"$TMP/$1.err" |
	    sed 's/\xe2\x88\x92/-/g; s/\xe2\x80\x90/-/g' >"$TMP/$1.txt"
}
# options FILE: every -x and --long option FILE mentions, one a line
options() {
	grep -oE '(^|[][[:space:](|,`])--?[A-Za-z][A-Za-z0-9-]*' "$1" |
	    sed 's/^[^-]*//' | sort -u
}
# covers PAGE HELP: every option of HELP appears in PAGE's text as itself
covers() {
	_missing=
	for _o in $(options "$2"); do
		grep -qE -- "(^|[^A-Za-z0-9-])$_o([^A-Za-z0-9-]|\$)" \
		    "$TMP/$1.txt" || _missing="$_missing $_o"
	done
	[ -z "$_missing" ] && return 0
	echo "# $1 lacks:$_missing"
	return 1
}

check "groff is installed (Debian: groff-base)" command -v groff
for p in dalabad.8 dalaba.1 dalaba-speaker.8 dalaba-broadcast.1; do
	render "$p"
	check "$p renders" [ -s "$TMP/$p.txt" ]
	check "$p renders without warnings" [ ! -s "$TMP/$p.err" ]
	[ -s "$TMP/$p.err" ] && sed 's/^/# /' "$TMP/$p.err" | head -n 5
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES \
	    "SEE ALSO"; do
		check "$p has $s" grep -q "^$s\$" "$TMP/$p.txt"
	done
done
for s in CONFIGURATION SIGNALS FILES ENVIRONMENT; do
	check "dalabad.8 has $s" grep -q "^$s\$" "$TMP/dalabad.8.txt"
done
for s in CONFIGURATION SIGNALS FILES; do
	check "dalaba-speaker.8 has $s" grep -q "^$s\$" "$TMP/dalaba-speaker.8.txt"
done
check "dalaba.1 has ENVIRONMENT" grep -q "^ENVIRONMENT\$" "$TMP/dalaba.1.txt"

"$B/dalabad" --help >dalabad.help
"$B/dalaba-speaker" --help >speaker.help
"$B/dalaba-broadcast" --help >broadcast.help
{
	"$B/dalaba" --help
	for c in notice page schedule zone user speaker status broadcasts say; do
		"$B/dalaba" "$c" --help
	done
} >dalaba.help 2>&1
check "dalabad.8 names every option of dalabad --help" \
    covers dalabad.8 dalabad.help
check "dalaba-speaker.8 names every option of dalaba-speaker --help" \
    covers dalaba-speaker.8 speaker.help
check "dalaba-broadcast.1 names every option of dalaba-broadcast --help" \
    covers dalaba-broadcast.1 broadcast.help
check "dalaba.1 names every option of dalaba's and each command's --help" \
    covers dalaba.1 dalaba.help
check "dalaba.1 has a subsection for every command dalaba --help lists" awk '
    # the page: its subsection titles ("   status, broadcasts")
    FNR == NR { if ($0 ~ /^   [a-z][a-z, ]*$/) {
	    n = split($0, w, /[ ,]+/); for (i = 1; i <= n; i++) ss[w[i]] = 1 }
	next }
    /^commands:/ { on = 1; next }
    on && NF == 0 { on = 0 }
    on && !($1 in ss) { miss = miss " " $1 }
    END { if (miss != "") { print "# lacks:" miss; exit 1 } }
    ' "$TMP/dalaba.1.txt" dalaba.help

# Every key the configuration parser knows is in its page: dalabad -n
# prints them all; speaker.conf's are those the agent's help lists.
"$B/dalabad" -n >dalabad.conf.txt
check "dalabad.8 documents every key dalabad -n prints" awk '
    # the page: each "[group]" subsection, the keys its entries name
    FNR == NR { if ($0 ~ /^   \[[a-z]+\]$/) { g = $1; next }
	if ($0 ~ /^       [a-z_]+/ && g != "") {
	    n = split($0, w, /[ ,]+/)
	    for (i = 1; i <= n; i++) if (w[i] ~ /^[a-z_]+$/) doc[g w[i]] = 1
	}
	if ($0 ~ /^[A-Z]/) g = ""
	next }
    # dalabad -n: every key under its group
    /^\[/ { g = $1; next }
    /^[a-z_]+ = / { if (!((g $1) in doc)) { miss = miss " " g $1 } }
    END { if (miss != "") { print "# missing:" miss; exit 1 } }
    ' "$TMP/dalabad.8.txt" dalabad.conf.txt
check "dalaba-speaker.8 documents every key of speaker.conf" sh -c '
    for k in $(sed -n "/^Configuration/,\$p" speaker.help | grep -oE "[a-z_]+ =" | tr -d " ="); do
	grep -q "^       $k\\b" "$1" || { echo "# lacks $k"; exit 1; }
    done' sh "$TMP/dalaba-speaker.8.txt"
finish
