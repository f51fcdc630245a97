# SPDX-License-Identifier: GPL-2.0
#
# zcit: zero-copy iSCSI target fabric for LIO.
#
#   make                 build zcit.ko for $(KVER) in this directory
#   make build-all       build for every supported Debian kernel into out/<kver>/
#   make check-style     checkpatch --strict and sparse
#   make kunit           KUnit suites under UML
#   make check           everything: builds, style, KUnit, VM tests
#   make run             boot a VM serving a ramdisk LUN on 127.0.0.1
#   make bench           zcit vs iscsi_target_mod (and tgt) in one VM (scripts/bench.sh)
#   make version         print zcit's version (ZCIT_VERSION_NUM, include/zcit/zcit.h)
#   make install         (root) zcit.ko for $(KVER) into /lib/modules/<kver>/updates/,
#                        depmod, /etc/modprobe.d/zcit.conf (iscsi_target_mod -> zcit)
#   make uninstall       (root) undo make install
#   make dkms-install    (root) the sources into /usr/src/zcit-<version>; DKMS builds
#                        and installs zcit for every kernel with headers; the redirect
#   make dkms-uninstall  (root) undo make dkms-install
#   make deb             out/deb/zcit-dkms_<version>_all.deb (scripts/deb.sh)
#   make fuzz SEED=N TIME=SEC [FUZZ_KVER=6.1|6.12|debug]   the fuzzing tests round
#                        after round, seeds N, N+1... for SEC seconds (scripts/fuzz.sh)
#   make debug-kernel    build the debug guest kernel (KASAN, lockdep, kmemleak) once
#                        into ~/.cache/zcit (scripts/debug-kernel.sh, ~22 min)
#   make debug-check     the fuzzers, attack, data-integrity and fault tests on it
#                        (scripts/debug-check.sh; make check runs the fuzzers there
#                        when it is built)

HOST_KVER := $(shell uname -r)
ifeq ($(origin KVER),undefined)
ifneq ($(wildcard /lib/modules/$(HOST_KVER)/build),)
KVER := $(HOST_KVER)
else
KVER := $(shell $(CURDIR)/scripts/kvers.sh 6.1)
ifeq ($(KVER),)
KVER := $(lastword $(sort $(patsubst /usr/src/linux-headers-%,%,$(wildcard /usr/src/linux-headers-*-amd64))))
endif
$(info zcit: no headers for the running kernel $(HOST_KVER); building for $(KVER))
endif
endif
KDIR ?= /lib/modules/$(KVER)/build

SOURCES := $(wildcard drivers/*.c include/zcit/*.h kunit/*.c)

# The one version of zcit: MODULE_VERSION, DKMS's and the Debian package's.
PKG_VERSION := $(shell sed -n 's/^\#define ZCIT_VERSION_NUM[[:space:]]*"\([^"]*\)".*/\1/p' \
		$(CURDIR)/include/zcit/zcit.h)
MODDIR = $(DESTDIR)/lib/modules/$(KVER)/updates
MODPROBE_CONF = $(DESTDIR)/etc/modprobe.d/zcit.conf
DKMS_SRC = /usr/src/zcit-$(PKG_VERSION)

.PHONY: all modules clean build-all check-style sparse checkpatch kunit check run deps bench \
	install uninstall dkms-install dkms-uninstall deb version debug-kernel debug-check fuzz

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf out

deps:
	./scripts/deps.sh

build-all:
	./scripts/build.sh

checkpatch:
	./scripts/checkpatch.sh $(SOURCES)

sparse:
	./scripts/build.sh --sparse

check-style: checkpatch sparse

kunit:
	./scripts/kunit.sh

check:
	./scripts/check.sh

run:
	./scripts/run.sh

bench:
	./scripts/bench.sh

version:
	@echo $(PKG_VERSION)

# With DESTDIR (staging), depmod is left to whoever installs the files.
install: modules
	install -D -m 644 zcit.ko $(MODDIR)/zcit.ko
	install -D -m 644 scripts/modprobe.d/zcit.conf $(MODPROBE_CONF)
	$(if $(DESTDIR),,depmod -a $(KVER))

uninstall:
	rm -f $(MODDIR)/zcit.ko $(MODPROBE_CONF)
	$(if $(DESTDIR),,depmod -a $(KVER))

# What DKMS needs of the tree, as the Debian package installs it (no DESTDIR).
dkms-install:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp -r Kbuild drivers include $(DKMS_SRC)/
	find $(DKMS_SRC) -name '*.o' -o -name '.*.cmd' -o -name '*.ko' -o -name '*.mod*' | \
		xargs rm -f
	sed 's/#MODULE_VERSION#/$(PKG_VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	install -D -m 644 scripts/modprobe.d/zcit.conf /etc/modprobe.d/zcit.conf
	dkms add -m zcit -v $(PKG_VERSION)
	for k in $$(ls /lib/modules); do \
		[ -e /lib/modules/$$k/build/include ] || continue; \
		dkms install -m zcit -v $(PKG_VERSION) -k $$k; rc=$$?; \
		[ $$rc = 0 ] || [ $$rc = 77 ] || exit $$rc; \
	done

dkms-uninstall:
	dkms remove -m zcit -v $(PKG_VERSION) --all
	rm -rf $(DKMS_SRC) /etc/modprobe.d/zcit.conf

deb:
	./scripts/deb.sh

debug-kernel:
	./scripts/debug-kernel.sh --build

debug-check:
	./scripts/debug-check.sh

SEED ?= 1
TIME ?= 600
FUZZ_KVER ?= 6.1
fuzz:
	SEED=$(SEED) TIME=$(TIME) KVER=$(FUZZ_KVER) ./scripts/fuzz.sh
