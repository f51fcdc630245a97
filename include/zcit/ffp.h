/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit protocol actions: what a connection does with each PDU (ffp.c) and
 * the PDUs it sends for commands (ffp_cmd.c).  Internal to those two
 * files; the transport reaches them through zcit_ffp_ops.
 */
#ifndef ZCIT_FFP_H
#define ZCIT_FFP_H

#include <zcit/conn.h>
#include <zcit/cmd.h>

/* R2Ts outstanding per command at most, whatever MaxOutstandingR2T says. */
#define ZCIT_MAX_R2T		16

/**
 * struct zcit_ooo - a SCSI Command that came before its CmdSN's turn
 * @node: in &struct zcit_conn.ooo
 * @cmdsn: its CmdSN
 * @ahs: TotalAHSLength in bytes
 * @hdr: BHS and AHS
 */
struct zcit_ooo {
	struct list_head node;
	u32 cmdsn;
	u32 ahs;
	u8 hdr[];
};

/* ffp.c: the PDU handlers, and the table the transport calls */
extern const struct zcit_conn_ops zcit_ffp_ops;

/* ffp_cmd.c: commands on a connection */
void zcit_ffp_sn(struct zcit_conn *conn, struct zcit_sn *sn, bool advance);
void zcit_ffp_rx_into(struct zcit_conn *conn, struct zcit_cmd *cmd, u32 pos,
		      u32 len, struct zcit_rx_act *act);
void zcit_ffp_rx_buffers(struct zcit_conn *conn, struct zcit_rx_act *act);
void zcit_ffp_rx_done(struct zcit_conn *conn, void *owner);
void zcit_ffp_abort_poll(struct zcit_conn *conn);
void zcit_ffp_take(struct zcit_conn *conn);
int zcit_ffp_tx_build(struct zcit_conn *conn);
void zcit_ffp_tx_done(struct zcit_conn *conn);
bool zcit_ffp_tx_more(struct zcit_conn *conn);
void zcit_ffp_drain(struct zcit_conn *conn);
void zcit_ffp_release(struct zcit_conn *conn);
/* stat.c: count how a connection ended (&zcit_conn_ops.ending) */
void zcit_stat_conn_end(struct zcit_conn *conn, enum zcit_conn_why why,
			const char *text);

#endif /* ZCIT_FFP_H */
