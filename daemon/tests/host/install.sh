#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging (issue 6): make install / make uninstall into a DESTDIR (PREFIX
# /usr and the default /usr/local), every file where it belongs with its
# mode and contents, the systemd unit's Exec lines at the installed sbindir,
# the installed programs run (-V, one version everywhere), the man pages
# render without warnings, a real mihsecd.conf survives install and
# uninstall, uninstall leaves no file behind; make install-kmod /
# uninstall-kmod into an INSTALL_MOD_PATH; DKMS: dkms.conf, the source tree
# make dkms-source stages and dkms.conf's MAKE line building the module
# from that copy against the pinned guest kernel's headers (built, never
# loaded; skipped without the headers); the bash completion (sourced, with
# COMP_WORDS simulated); every object, verb and keyword of mihsecctl's
# usage in docs/mihsecctl.8 and offered by the completion.
# Runs on the host, no namespaces.  TAP on stdout.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
build=${MIHSEC_BUILD:-$top/build}
bin=$build/bin
comp=$top/contrib/bash-completion/mihsecctl
tmp=$(mktemp -d /tmp/mihsec-install.XXXXXX)
cleanup() {
	rm -rf "$tmp"
}
trap cleanup EXIT

mk() {
	# make in the top directory with this test's build directories
	make --no-print-directory -C "$top" B="$build/daemon" BIN="$bin" "$@"
}

echo "1..54"

# --- make install, PREFIX=/usr ----------------------------------------------
root=$tmp/root
mkdir -p "$root/etc/mihsec"
echo "# the operator's real configuration" >"$root/etc/mihsec/mihsecd.conf"
cp "$root/etc/mihsec/mihsecd.conf" "$tmp/real.conf"
if mk install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR PREFIX=/usr"
else
	not_ok "make install DESTDIR PREFIX=/usr"
	tail -n 20 "$tmp/install.log" | sed 's/^/# /'
fi

# installed path, source, mode
files="usr/sbin/mihsecd $bin/mihsecd 755
usr/sbin/mihsecctl $bin/mihsecctl 755
usr/share/man/man8/mihsecd.8 $top/docs/mihsecd.8 644
usr/share/man/man8/mihsecctl.8 $top/docs/mihsecctl.8 644
usr/share/man/man5/mihsecd.conf.5 $top/docs/mihsecd.conf.5 644
usr/lib/systemd/system/mihsecd.service - 644
etc/mihsec/mihsecd.conf.example $top/daemon/mihsecd.conf.example 644
usr/share/doc/mihsec/isdb-format.md $top/docs/isdb-format.md 644
usr/share/doc/mihsec/examples/isdb.txt $top/daemon/examples/isdb.txt 644
usr/share/bash-completion/completions/mihsecctl $comp 644"
while read -r path src mode; do
	f=$root/$path
	why=
	if [ ! -f "$f" ]; then
		why="missing"
	elif [ "$(stat -c %a "$f")" != "$mode" ]; then
		why="mode $(stat -c %a "$f"), not $mode"
	elif [ "$src" != - ] && ! cmp -s "$f" "$src"; then
		why="differs from $src"
	fi
	if [ -z "$why" ]; then
		ok "installed /$path (mode $mode)"
	else
		not_ok "installed /$path: $why"
	fi
done <<<"$files"

unit=$root/usr/lib/systemd/system/mihsecd.service
execs=$(grep -E '^Exec[A-Za-z]*=' "$unit" 2>/dev/null | grep mihsecd)
bad=$(grep -vE '^Exec[A-Za-z]*=/usr/sbin/mihsecd ' <<<"$execs")
if [ -n "$execs" ] && [ -z "$bad" ] &&
	grep -q '^ExecStart=/usr/sbin/mihsecd -f -c /etc/mihsec/mihsecd.conf$' "$unit"; then
	ok "unit: every Exec line runs /usr/sbin/mihsecd (the installed sbindir)"
else
	not_ok "unit: Exec lines at /usr/sbin/mihsecd"
	echo "$execs" | sed 's/^/# /'
fi
# nothing but Exec lines changed
if diff <(grep -v '^Exec' "$top/daemon/mihsecd.service") \
	<(grep -v '^Exec' "$unit" 2>/dev/null) >/dev/null; then
	ok "unit: identical to daemon/mihsecd.service but for the Exec lines"
else
	not_ok "unit: identical to daemon/mihsecd.service but for the Exec lines"
fi

ver=$(sed -n 's/^#define[[:space:]]*MIHSECCTL_VERSION[[:space:]]*"\(.*\)"/\1/p' \
	"$top/daemon/ctl/args.h")
v_ctl=$("$root/usr/sbin/mihsecctl" -V 2>&1)
v_md=$("$root/usr/sbin/mihsecd" -V 2>&1)
if [ -n "$ver" ] && [[ $v_ctl == "mihsecctl $ver "* ]] &&
	[[ $v_md == "mihsecd $ver "* ]]; then
	ok "installed mihsecctl -V and mihsecd -V run and print version $ver"
else
	not_ok "installed programs print version '$ver': '$v_ctl' / '$v_md'"
fi

# the man pages render without a warning
render=
if command -v man >/dev/null; then
	render="man"
elif command -v groff >/dev/null; then
	render="groff"
fi
for page in man8/mihsecd.8 man8/mihsecctl.8 man5/mihsecd.conf.5; do
	f=$root/usr/share/man/$page
	if [ -z "$render" ]; then
		skip "man page $page renders" "neither man nor groff installed"
		continue
	fi
	if [ $render = man ]; then
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" \
			>"$tmp/page" 2>"$tmp/page.err"
	else
		groff -man -Tutf8 -ww "$f" >"$tmp/page" 2>"$tmp/page.err"
	fi
	if [ $? = 0 ] && [ ! -s "$tmp/page.err" ] &&
		grep -q '^NAME' "$tmp/page" && [ "$(wc -l <"$tmp/page")" -gt 20 ]; then
		ok "man page $page renders ($render, $(wc -l <"$tmp/page") lines, no warning)"
	else
		not_ok "man page $page renders with $render"
		head -n 5 "$tmp/page.err" | sed 's/^/# /'
	fi
done

check "a real etc/mihsec/mihsecd.conf is left as it was by make install" \
	cmp -s "$root/etc/mihsec/mihsecd.conf" "$tmp/real.conf"

if mk uninstall DESTDIR="$root" PREFIX=/usr >"$tmp/uninstall.log" 2>&1; then
	ok "make uninstall DESTDIR PREFIX=/usr"
else
	not_ok "make uninstall DESTDIR PREFIX=/usr"
	tail -n 20 "$tmp/uninstall.log" | sed 's/^/# /'
fi
left=$(cd "$root" && find . ! -type d ! -path ./etc/mihsec/mihsecd.conf)
if [ -z "$left" ] && cmp -s "$root/etc/mihsec/mihsecd.conf" "$tmp/real.conf"; then
	ok "make uninstall left no file behind, the real mihsecd.conf in place"
else
	not_ok "make uninstall left files behind or removed the real mihsecd.conf"
	echo "$left" | sed 's/^/# /'
fi

# --- default PREFIX (/usr/local) ------------------------------------------
root2=$tmp/root2
mk install DESTDIR="$root2" >"$tmp/install2.log" 2>&1
unit2=$root2/usr/local/lib/systemd/system/mihsecd.service
if [ -x "$root2/usr/local/sbin/mihsecctl" ] && [ -x "$root2/usr/local/sbin/mihsecd" ] &&
	[ -f "$root2/usr/local/share/man/man8/mihsecctl.8" ] &&
	[ -f "$root2/etc/mihsec/mihsecd.conf.example" ] &&
	grep -q '^ExecStart=/usr/local/sbin/mihsecd ' "$unit2" 2>/dev/null; then
	ok "make install, default PREFIX: /usr/local/sbin, unit ExecStart=/usr/local/sbin/mihsecd"
else
	not_ok "make install, default PREFIX /usr/local"
	tail -n 20 "$tmp/install2.log" | sed 's/^/# /'
fi
mk uninstall DESTDIR="$root2" >/dev/null 2>&1
left=$(cd "$root2" && find . ! -type d)
if [ -z "$left" ]; then
	ok "make uninstall, default PREFIX: no file left"
else
	not_ok "make uninstall, default PREFIX: files left"
	echo "$left" | sed 's/^/# /'
fi

# --- PREFIX and SYSCONFDIR without DESTDIR: the unit is verified by systemd
p=$tmp/prefix
mk install PREFIX="$p" SYSCONFDIR="$p/etc" >"$tmp/install3.log" 2>&1
unit3=$p/lib/systemd/system/mihsecd.service
if ! command -v systemd-analyze >/dev/null; then
	skip "systemd-analyze verify of the unit installed with PREFIX" "no systemd-analyze"
elif grep -q "^ExecStart=$p/sbin/mihsecd -f -c $p/etc/mihsec/mihsecd.conf\$" "$unit3" &&
	systemd-analyze verify --man=no "$unit3" >"$tmp/verify.log" 2>&1; then
	ok "systemd-analyze verify: the unit installed with PREFIX=\$tmp/prefix is valid, its mihsecd executable"
else
	not_ok "systemd-analyze verify of the unit installed with PREFIX"
	sed 's/^/# /' "$tmp/verify.log"
fi
if "$p/sbin/mihsecd" -t -c "$p/etc/mihsec/mihsecd.conf.example" >"$tmp/t.log" 2>&1; then
	ok "the installed mihsecd -t accepts the installed example configuration"
else
	not_ok "the installed mihsecd -t accepts the installed example configuration"
	sed 's/^/# /' "$tmp/t.log"
fi
mk uninstall PREFIX="$p" SYSCONFDIR="$p/etc" >/dev/null 2>&1
left=$(find "$p" ! -type d 2>/dev/null)
check "make uninstall PREFIX: no file left${left:+ ($left)}" test -z "$left"

# --- the module: install-kmod and DKMS --------------------------------------
kver=$(cat "$top/build/kernel/KVER" 2>/dev/null ||
	grep -v '^#' "$top/scripts/kernel-abi" | head -n 1)
kdir=${KDIR:-/lib/modules/$kver/build}
have_kdir=
[ -f "$kdir/Makefile" ] && have_kdir=1

if [ -z "$have_kdir" ]; then
	skip "make install-kmod INSTALL_MOD_PATH" "no kernel headers at $kdir"
	skip "make uninstall-kmod" "no kernel headers at $kdir"
else
	mod=$tmp/mod
	ko=$mod/lib/modules/$kver/extra/kmod/mihsec.ko
	if mk install-kmod INSTALL_MOD_PATH="$mod" >"$tmp/kmod.log" 2>&1 &&
		[ -f "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$kver "; then
		ok "make install-kmod INSTALL_MOD_PATH: lib/modules/$kver/extra/kmod/mihsec.ko"
	else
		not_ok "make install-kmod INSTALL_MOD_PATH"
		tail -n 20 "$tmp/kmod.log" | sed 's/^/# /'
	fi
	mk uninstall-kmod INSTALL_MOD_PATH="$mod" >/dev/null 2>&1
	check "make uninstall-kmod removed the module" test ! -e "$ko"
fi

check "dkms.conf is valid shell" bash -n "$top/dkms.conf"
stage=$tmp/dkms
src=$stage/usr/src/mihsec-$ver
if mk dkms-source DESTDIR="$stage" >"$tmp/dkms.log" 2>&1 && [ -f "$src/dkms.conf" ]; then
	ok "make dkms-source DESTDIR: /usr/src/mihsec-$ver staged"
else
	not_ok "make dkms-source DESTDIR: /usr/src/mihsec-$ver"
	tail -n 20 "$tmp/dkms.log" | sed 's/^/# /'
fi
# what DKMS reads from it (dkms sources dkms.conf in bash)
conf=$(
	kernelver=$kver kernel_source_dir=$kdir dkms_tree=/var/lib/dkms
	# shellcheck disable=SC1091
	. "$src/dkms.conf" 2>/dev/null || exit 1
	echo "$PACKAGE_NAME|$PACKAGE_VERSION|${BUILT_MODULE_NAME[0]}|${BUILT_MODULE_LOCATION[0]}|${DEST_MODULE_LOCATION[0]}|$AUTOINSTALL|${MAKE[0]}"
)
want="mihsec|$ver|mihsec|kmod/|/updates/dkms|yes|make -C $kdir M=/var/lib/dkms/mihsec/$ver/build modules"
if [ "$conf" = "$want" ] && ! grep -q @VERSION@ "$src/dkms.conf"; then
	ok "staged dkms.conf: mihsec $ver (the version mihsecctl -V prints), module kmod/mihsec, AUTOINSTALL"
else
	not_ok "staged dkms.conf"
	echo "# got:  $conf"
	echo "# want: $want"
fi
# the sources in the staged tree are the module's, and no build product
missing=
for f in Kbuild kmod/Kbuild uapi/linux/mihsec.h $(cd "$top" && git ls-files 'kmod/*.[ch]' ':!kmod/tests/*'); do
	cmp -s "$top/$f" "$src/$f" || missing+=" $f"
done
junk=$(cd "$src" 2>/dev/null && find . -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '*.cmd')
if [ -z "$missing" ] && [ -z "$junk" ]; then
	ok "staged tree: every module source (git ls-files kmod/), uapi header, no build product"
else
	not_ok "staged tree: missing or different:$missing; build products: $junk"
fi

if [ -z "$have_kdir" ]; then
	skip "dkms.conf's MAKE line builds the staged copy" "no kernel headers at $kdir"
else
	# as dkms build does: a copy at $dkms_tree/NAME/VERSION/build
	dt=$tmp/dkms_tree
	mkdir -p "$dt/mihsec/$ver"
	cp -a "$src" "$dt/mihsec/$ver/build"
	(
		# shellcheck disable=SC2034 # read by dkms.conf
		kernelver=$kver kernel_source_dir=$kdir dkms_tree=$dt
		cd "$dt/mihsec/$ver/build" || exit 1
		# shellcheck disable=SC1091
		. ./dkms.conf
		eval "${MAKE[0]}"
	) >"$tmp/dkmsbuild.log" 2>&1
	ko=$dt/mihsec/$ver/build/kmod/mihsec.ko
	if [ -f "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$kver " &&
		[ "$(modinfo -F name "$ko")" = mihsec ]; then
		ok "dkms.conf's MAKE line builds kmod/mihsec.ko from the staged copy for $kver (not loaded)"
	else
		not_ok "dkms.conf's MAKE line builds the staged copy for $kver"
		tail -n 20 "$tmp/dkmsbuild.log" | sed 's/^/# /'
	fi
fi

# make dkms-install (never run here): refuses a DESTDIR before running
# anything; what it would run
if ! mk dkms-install DESTDIR="$tmp/nowhere" >"$tmp/dkmsi.log" 2>&1 &&
	grep -q 'no DESTDIR' "$tmp/dkmsi.log" && [ ! -e "$tmp/nowhere" ]; then
	ok "make dkms-install refuses a DESTDIR (use dkms-source)"
else
	not_ok "make dkms-install refuses a DESTDIR"
fi
plan=$(mk -n dkms-install 2>/dev/null | grep -E '^dkms (add|build|install) ')
if [ "$(echo "$plan" | awk '{print $2, $3, $4, $5, $6}' | xargs)" = \
	"add -m mihsec -v $ver build -m mihsec -v $ver install -m mihsec -v $ver" ]; then
	ok "make -n dkms-install: dkms add, build, install of mihsec $ver"
else
	not_ok "make -n dkms-install: dkms add, build, install of mihsec $ver"
	echo "$plan" | sed 's/^/# /'
fi

# the real dkms (if installed): add and build in a private tree, with a
# tmpfs over /var/lib/dkms in a mount namespace of its own so that its MOK
# signing key is not created on the host; never dkms install
if [ -z "$have_kdir" ]; then
	skip "dkms add + dkms build of the staged tree" "no kernel headers at $kdir"
elif ! command -v dkms >/dev/null || [ ! -d /var/lib/dkms ]; then
	skip "dkms add + dkms build of the staged tree" "dkms not installed"
else
	dt=$tmp/dkms_real
	mkdir -p "$dt"
	unshare -m --propagation private sh -c '
		mount -t tmpfs mihsec-dkms /var/lib/dkms || exit 1
		dkms add --sourcetree "$1" --dkmstree "$2" -m mihsec -v "$3" &&
		dkms build --sourcetree "$1" --dkmstree "$2" -m mihsec -v "$3" \
			-k "$4" -j 1 &&
		dkms status --sourcetree "$1" --dkmstree "$2" -m mihsec -v "$3"' \
		_ "$stage/usr/src" "$dt" "$ver" "$kver" >"$tmp/dkmsreal.log" 2>&1
	ko=$dt/mihsec/$ver/$kver/$(uname -m)/module/mihsec.ko
	if grep -q "^mihsec/$ver, $kver, .*: built" "$tmp/dkmsreal.log" &&
		[ -f "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$kver "; then
		ok "dkms add + dkms build of the staged tree: built for $kver (private tree, not installed)"
	else
		not_ok "dkms add + dkms build of the staged tree"
		tail -n 20 "$tmp/dkmsreal.log" | sed 's/^/# /'
	fi
fi

# --- bash completion ---------------------------------------------------------
# complete WORD...: what the completion offers for the last word
complete_words() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMPREPLY=()
		_mihsecctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@" 2>/dev/null | sort | xargs
}
expect() {
	# expect "WANT" WORD...: the offer is exactly WANT (sorted)
	local want got
	want=$(printf '%s\n' $1 | sort | xargs)
	shift
	got=$(complete_words "$@")
	if [ "$got" = "$want" ]; then
		ok "completion: '$*' -> $want"
	else
		not_ok "completion: '$*' -> '$got', want '$want'"
	fi
}
check "completion script is valid bash and registers _mihsecctl" \
	bash --norc -c ". '$comp' && complete -p mihsecctl | grep -q -- '-F _mihsecctl'"
expect "sa stats" mihsecctl s
expect "add del show flush" mihsecctl sa ''
expect "off optional require exempt exempt-uir event-rate event-burst" \
	mihsecctl policy set ''
expect "type network report limit max server wait" mihsecctl -j -S /run/x is query ''
expect "802.11,umts" mihsecctl is query type 802.11,u
expect "poa pos server wait" mihsecctl handover target net1 ''
expect "target poa pos server mmt wait" mihsecctl handover ''
expect "poa wait" mihsecctl handover mmt mn1 pos ar2 ''
expect "mmt network" mihsecctl sa add local a role ''
expect "--stats" mihsecctl --s
mkdir -p "$tmp/c"
touch "$tmp/c/msk.hex" "$tmp/c/isdb.txt"
expect "$tmp/c/msk.hex" mihsecctl sa add tx-key-file "$tmp/c/m"
expect "$tmp/c/isdb.txt" mihsecctl is import "$tmp/c/i"
expect "$tmp/c/msk.hex" mihsecctl msk add aa:bb:cc:dd:ee:01 aa:bb:cc:dd:ee:02 "$tmp/c/m"

# --- mihsecctl's usage vs. the man page and the completion -----------------
ctl=$bin/mihsecctl
usage=$("$ctl" help 2>&1 | sed -n '/^Usage:/,/^Options:/p' | sed '1d;$d' |
	awk '/^  mihsecctl /{if (l) print l; l=$0; next} {l=l " " $0} END{print l}')
objs_err=$("$ctl" no-such-object 2>&1 | sed -n "s/.*unknown object '[^']*' (\(.*\)).*/\1/p" | tr -d ,)
objs_comp=$(complete_words mihsecctl '')
if [ -n "$objs_err" ] && [ "$(printf '%s\n' $objs_err | sort | xargs)" = "$objs_comp" ]; then
	ok "completion offers exactly mihsecctl's objects ($objs_comp)"
else
	not_ok "completion objects '$objs_comp' vs mihsecctl's '$objs_err'"
fi
# the words of the man page and of the completion script
manwords=$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\f(..//g' "$top/docs/mihsecctl.8" |
	tr -c 'a-zA-Z0-9.-' '\n' | sed 's/\.*$//' | sort -u)
compwords=$(tr -c 'a-zA-Z0-9.-' '\n' <"$comp" | sort -u)
nwords=0 miss_man='' miss_comp='' miss_offer=''
while read -r line; do
	[ -n "$line" ] || continue
	# lowercase words: object, verb, keywords, fixed values
	words=$(tr ' []()|,' '\n' <<<"$line" | grep -E '^[a-z][a-z0-9.-]*$' | grep -v '^mihsecctl$')
	obj=$(sed -n 1p <<<"$words")
	verb=$(sed -n 2p <<<"$words")
	# what the completion offers after "OBJ VERB": the keywords (also after
	# one argument) and every keyword's values
	offer=" $objs_comp $(complete_words mihsecctl "$obj" '') "
	if [ -n "$verb" ]; then
		keys=$(complete_words mihsecctl "$obj" "$verb" '')
		offer+="$keys $(complete_words mihsecctl "$obj" "$verb" x '') "
		for k in $keys $(complete_words mihsecctl "$obj" ''); do
			offer+="$(complete_words mihsecctl "$obj" "$verb" "$k" '') "
			offer+="$(complete_words mihsecctl "$obj" "$k" '') "
		done
	fi
	for w in $words; do
		nwords=$((nwords + 1))
		grep -qxF -- "$w" <<<"$manwords" || miss_man+=" $obj:$w"
		grep -qxF -- "$w" <<<"$compwords" || miss_comp+=" $obj:$w"
		[[ $offer == *" $w "* ]] || miss_offer+=" $obj:$w"
	done
done <<<"$usage"
nlines=$(grep -c . <<<"$usage")
if [ "$nlines" -ge 15 ] && [ -z "$miss_man" ]; then
	ok "docs/mihsecctl.8 names every object, verb and keyword of mihsecctl help ($nlines usage lines, $nwords words)"
else
	not_ok "docs/mihsecctl.8 lacks:$miss_man ($nlines usage lines)"
fi
if [ "$nlines" -ge 15 ] && [ -z "$miss_comp" ]; then
	ok "the completion script names every object, verb and keyword of mihsecctl help"
else
	not_ok "the completion script lacks:$miss_comp"
fi
if [ "$nlines" -ge 15 ] && [ -z "$miss_offer" ]; then
	ok "the completion offers every object, verb and keyword of mihsecctl help in its place"
else
	not_ok "the completion does not offer (object:word):$miss_offer"
fi
# every object's help works (each object of the usage is a real one)
bad=
for o in $objs_err; do
	[ "$o" = help ] && continue
	"$ctl" "$o" help >/dev/null 2>&1 || bad+=" $o"
done
check "mihsecctl OBJECT help succeeds for every object${bad:+ (fails:$bad)}" test -z "$bad"

[ "$failed" = 0 ]
