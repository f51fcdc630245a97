/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: the bounds on what a remote host can make zcit hold, and their
 * knobs (module parameters).  Documentation/resources.md has the table.
 */
#ifndef ZCIT_LIMITS_H
#define ZCIT_LIMITS_H

#include <linux/types.h>

/**
 * struct zcit_limits - the bounds, as the module parameters set them
 * @max_xfer: bytes of data one SCSI command may move (its buffer)
 * @tx_stall: seconds a connection in Full Feature Phase may have data to
 *	send that the peer does not take before it is closed
 */
struct zcit_limits {
	u32 max_xfer;
	u32 tx_stall;
};

extern struct zcit_limits zcit_limits;

int zcit_limits_init(void);

#endif /* ZCIT_LIMITS_H */
