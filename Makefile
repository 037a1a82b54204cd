# SPDX-License-Identifier: GPL-2.0
#
#   make            kmod/mihsec.ko (against KDIR) and the userspace programs
#   make check      every test: userspace (host), KUnit (UML), kselftests (VM)
#   make demo       boot the VM and show two MIHFs talking through mihsec
#   make checkpatch / make sparse      kernel style and static checks
#   make fuzz       libFuzzer harnesses, each MIHSEC_FUZZ_SECS (300) s (fuzz/)
#   make fuzz-smoke the same, 10 s each (make check runs it as a host test)
#   make bench-compare  mihsec vs DTLS 1.2 vs IPsec/IKEv2 on the same MIH
#                   exchanges in one VM run (bench/compare/run; figures)
#   make check-debug    the module's tests on hardened kernels: KUnit (UML)
#                   and the kselftests in a debug VM kernel (KASAN, lockdep,
#                   kmemleak...; scripts/check-debug; too slow for make check)
#   make install        userspace programs, man pages, systemd unit, example
#                       config, docs, bash completion (no kernel headers needed)
#   make install-kmod   the module (modules_install; INSTALL_MOD_PATH honoured)
#   make dkms-install   the module's source to /usr/src/mihsec-VERSION and
#                       dkms add/build/install (make dkms-uninstall undoes it)
#   make uninstall      removes what make install put there
#
# KDIR defaults to the headers of the pinned Debian guest kernel
# (scripts/kernel-abi, installed by scripts/deps).  On a real router:
#   make KDIR=/lib/modules/$(uname -r)/build
TOP	:= $(CURDIR)
KVER	?= $(shell cat build/kernel/KVER 2>/dev/null || grep -v '^\#' scripts/kernel-abi | head -1)
KDIR	?= /lib/modules/$(KVER)/build
KSRC	:= $(TOP)/build/linux-src
W	?= 1

all: kmod userspace

kmod:
	$(MAKE) -C $(KDIR) M=$(TOP) W=$(W) modules

userspace: ksrc
	$(MAKE) -C daemon all

selftests: userspace
	$(MAKE) -C selftests

ksrc:
	@scripts/ksrc >/dev/null

# the build is scripts/check's first stage, so a broken build still ends
# with the closing "N passed, N failed" line
check:
	scripts/check

demo: all
	scripts/demo

checkpatch: ksrc
	$(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES \
		-f $$(git ls-files 'kmod/*.[ch]' 'uapi/*.h')

sparse:
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 W=$(W) modules

fuzz:
	$(MAKE) -C fuzz run

fuzz-smoke:
	$(MAKE) -C fuzz smoke

bench-compare:
	bench/compare/run

check-debug:
	scripts/check-debug

# kbuild's clean with M=$(TOP) would sweep build/ (the guest kernel's modules)
clean:
	-$(MAKE) -C $(KDIR) M=$(TOP)/kmod clean
	rm -f Module.symvers modules.order
	$(MAKE) -C daemon clean
	-$(MAKE) -C selftests clean

.PHONY: all kmod userspace selftests ksrc check demo checkpatch sparse clean \
	fuzz fuzz-smoke bench-compare check-debug

# --- installation ---------------------------------------------------------
# make install [DESTDIR=/stage] [PREFIX=/usr] [SBINDIR=...] [SYSCONFDIR=/etc]
# The version has one source: MIHSECCTL_VERSION in daemon/ctl/args.h (what
# mihsecctl -V prints); dkms.conf's @VERSION@ is filled in from it.
MIHSEC_VERSION := $(shell sed -n 's/^\#define[[:space:]]*MIHSECCTL_VERSION[[:space:]]*"\(.*\)"/\1/p' $(TOP)/daemon/ctl/args.h)
BIN		?= $(TOP)/build/bin
PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/mihsec
UNITDIR		?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
# mihsecd reads /etc/mihsec/mihsecd.conf whatever the prefix
SYSCONFDIR	?= /etc
INSTALL		?= install
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR	?= extra
DKMS_SRC	:= /usr/src/mihsec-$(MIHSEC_VERSION)
DKMS_FILES	:= Kbuild LICENSE kmod/Kbuild kmod/Kconfig \
		   $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h) \
		   uapi/linux/mihsec.h

INST_FILES	:= $(SBINDIR)/mihsecd $(SBINDIR)/mihsecctl \
		   $(MANDIR)/man8/mihsecd.8 $(MANDIR)/man8/mihsecctl.8 \
		   $(MANDIR)/man5/mihsecd.conf.5 $(UNITDIR)/mihsecd.service \
		   $(SYSCONFDIR)/mihsec/mihsecd.conf.example \
		   $(DOCDIR)/isdb-format.md $(DOCDIR)/examples/isdb.txt \
		   $(BASHCOMPDIR)/mihsecctl

# the programs only: unlike `userspace` this needs no kernel source (the
# unit tests' harness), so make install works on a machine without it
progs:
	$(MAKE) -C daemon all

install: progs
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/mihsec
	$(INSTALL) -m 0755 $(BIN)/mihsecd $(BIN)/mihsecctl $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 docs/mihsecd.8 docs/mihsecctl.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 docs/mihsecd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	sed -e '/^Exec/s|/usr/sbin/|$(SBINDIR)/|g' \
	    -e '/^Exec/s|/etc/mihsec/|$(SYSCONFDIR)/mihsec/|g' \
	    daemon/mihsecd.service >$(DESTDIR)$(UNITDIR)/mihsecd.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/mihsecd.service.tmp \
		$(DESTDIR)$(UNITDIR)/mihsecd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/mihsecd.service
	@# only the example: a real mihsecd.conf is never touched
	$(INSTALL) -m 0644 daemon/mihsecd.conf.example \
		$(DESTDIR)$(SYSCONFDIR)/mihsec/mihsecd.conf.example
	$(INSTALL) -m 0644 docs/isdb-format.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 daemon/examples/isdb.txt $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -m 0644 contrib/bash-completion/mihsecctl \
		$(DESTDIR)$(BASHCOMPDIR)/mihsecctl

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INST_FILES))
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSCONFDIR)/mihsec 2>/dev/null

# the module for KDIR's kernel (default: the pinned guest kernel; on a router
# make install-kmod KVER=$$(uname -r)).  Kbuild installs
# it as $(INSTALL_MOD_PATH)/lib/modules/KVER/$(INSTALL_MOD_DIR)/kmod/mihsec.ko
# and runs depmod when the kernel tree has a System.map.
install-kmod: kmod
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install

uninstall-kmod:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/kmod/mihsec.ko
	-rmdir $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/kmod 2>/dev/null

# DKMS: the module's sources as $(DESTDIR)/usr/src/mihsec-VERSION
dkms-source:
	@test -n "$(MIHSEC_VERSION)" || { echo "no version in daemon/ctl/args.h" >&2; exit 1; }
	rm -rf $(DESTDIR)$(DKMS_SRC)
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRC)/kmod $(DESTDIR)$(DKMS_SRC)/uapi/linux
	for f in $(DKMS_FILES); do \
		$(INSTALL) -m 0644 $$f $(DESTDIR)$(DKMS_SRC)/$$f || exit 1; \
	done
	sed 's/@VERSION@/$(MIHSEC_VERSION)/g' dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf

dkms-install:
	@test -z "$(DESTDIR)" || { echo "dkms-install: no DESTDIR (use dkms-source)" >&2; exit 2; }
	@# a reinstall of the same version: drop the old registration first
	if dkms status -m mihsec -v $(MIHSEC_VERSION) | grep -q .; then \
		dkms remove -m mihsec -v $(MIHSEC_VERSION) --all; fi
	$(MAKE) dkms-source
	dkms add -m mihsec -v $(MIHSEC_VERSION)
	dkms build -m mihsec -v $(MIHSEC_VERSION)
	dkms install -m mihsec -v $(MIHSEC_VERSION)

dkms-uninstall:
	@test -z "$(DESTDIR)" || { echo "dkms-uninstall: no DESTDIR" >&2; exit 2; }
	-dkms remove -m mihsec -v $(MIHSEC_VERSION) --all
	rm -rf $(DKMS_SRC)

.PHONY: progs install uninstall install-kmod uninstall-kmod dkms-source \
	dkms-install dkms-uninstall
