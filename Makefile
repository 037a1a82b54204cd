# SPDX-License-Identifier: GPL-2.0
#
#   make            kmod/mihsec.ko (against KDIR) and the userspace programs
#   make check      every test: userspace (host), KUnit (UML), kselftests (VM)
#   make demo       boot the VM and show two MIHFs talking through mihsec
#   make checkpatch / make sparse      kernel style and static checks
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

# kbuild's clean with M=$(TOP) would sweep build/ (the guest kernel's modules)
clean:
	-$(MAKE) -C $(KDIR) M=$(TOP)/kmod clean
	rm -f Module.symvers modules.order
	$(MAKE) -C daemon clean
	-$(MAKE) -C selftests clean

.PHONY: all kmod userspace selftests ksrc check demo checkpatch sparse clean
