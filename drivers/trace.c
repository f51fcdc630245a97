// SPDX-License-Identifier: GPL-2.0
/*
 * zcit tracepoints: the one file that defines them (include/zcit/trace.h
 * has the events, Documentation/tracing.md how to use them).  What each
 * event records is read here, where every structure is known; the files
 * that fire the events only pass pointers.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <scsi/scsi_common.h>
#include <target/target_core_base.h>
#include <zcit/compat.h>
#include <zcit/transport.h>
#include <zcit/session.h>
#include <zcit/cmd.h>

/* The TSIH of a connection's session, 0 before it has one. */
static inline u16 zcit_trace_conn_tsih(const struct zcit_conn *conn)
{
	return conn->sess ? conn->sess->tsih : 0;
}

/* A data direction as 0 (none), 1 (write) or 2 (read). */
static inline u8 zcit_trace_dir(enum dma_data_direction dir)
{
	switch (dir) {
	case DMA_TO_DEVICE:
		return 1;
	case DMA_FROM_DEVICE:
		return 2;
	default:
		return 0;
	}
}

/* RFC 7143 11.4.5: the residual a command's response reports. */
static inline void zcit_trace_cmd_resid(const struct zcit_cmd *cmd,
					u8 *flags, u32 *resid)
{
	struct zcit_status st;

	zcit_cmd_status(cmd, &st);
	*flags = st.resid_flags;
	*resid = st.resid;
}

/* Sense key, ASC and ASCQ of a command's sense data (SPC-5 4.4), or 0. */
static inline void zcit_trace_cmd_sense(const struct zcit_cmd *cmd, u8 *key,
					u8 *asc, u8 *ascq)
{
	const struct se_cmd *se_cmd = &cmd->se_cmd;
	const u8 *s = se_cmd->sense_buffer;

	*key = 0;
	*asc = 0;
	*ascq = 0;
	if (!s || se_cmd->scsi_sense_length < 4)
		return;
	if ((s[0] & 0x7f) >= 0x72) {
		*key = s[1] & 0x0f;
		*asc = s[2];
		*ascq = s[3];
	} else if (se_cmd->scsi_sense_length >= 14) {
		*key = s[2] & 0x0f;
		*asc = s[12];
		*ascq = s[13];
	}
}

#define CREATE_TRACE_POINTS
#include <zcit/trace.h>
