// SPDX-License-Identifier: GPL-2.0
/*
 * zcit: module parameters for the bounds on what a remote host can make
 * zcit hold.  They are read at load time (mode 0444): each bound is a
 * sizing decision, not a tunable to change under traffic.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <zcit/limits.h>

#define ZCIT_MAX_XFER_KIB_DEFAULT	8192
#define ZCIT_MAX_XFER_KIB_MIN		64
#define ZCIT_MAX_XFER_KIB_MAX		(1024 * 1024)

static unsigned int max_xfer_kib = ZCIT_MAX_XFER_KIB_DEFAULT;
module_param(max_xfer_kib, uint, 0444);
MODULE_PARM_DESC(max_xfer_kib,
		 "Largest data buffer of one SCSI command, KiB (default 8192; also the MAXIMUM TRANSFER LENGTH LIO reports)");

static unsigned int tx_stall_secs = 30;
module_param(tx_stall_secs, uint, 0444);
MODULE_PARM_DESC(tx_stall_secs,
		 "Seconds a connection may have answers waiting that the initiator does not read before it is closed (default 30, 5 to 3600)");

struct zcit_limits zcit_limits;

/**
 * zcit_limits_init() - check the module parameters and set zcit_limits
 *
 * Return: 0, or -EINVAL (with a message) for a value out of range.
 */
int zcit_limits_init(void)
{
	if (max_xfer_kib < ZCIT_MAX_XFER_KIB_MIN ||
	    max_xfer_kib > ZCIT_MAX_XFER_KIB_MAX) {
		pr_err("max_xfer_kib=%u: must be %u to %u\n", max_xfer_kib,
		       ZCIT_MAX_XFER_KIB_MIN, ZCIT_MAX_XFER_KIB_MAX);
		return -EINVAL;
	}
	if (tx_stall_secs < 5 || tx_stall_secs > 3600) {
		pr_err("tx_stall_secs=%u: must be 5 to 3600\n", tx_stall_secs);
		return -EINVAL;
	}
	zcit_limits.max_xfer = max_xfer_kib * 1024;
	zcit_limits.tx_stall = tx_stall_secs;
	return 0;
}
