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

.PHONY: all modules clean build-all check-style sparse checkpatch kunit check run deps bench version

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
