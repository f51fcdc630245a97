/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: what the transport (conn.c) and the Full Feature Phase handlers
 * (ffp.c) share about a connection.  Internal to those two files.
 */
#ifndef ZCIT_FFP_H
#define ZCIT_FFP_H

#include <zcit/conn.h>

/* R2Ts outstanding per command at most, whatever MaxOutstandingR2T says. */
#define ZCIT_MAX_R2T		16
/* Seconds an initiator asked to log out gets before it is disconnected. */
#define ZCIT_ASYNC_LOGOUT_WAIT	2
/* Tick while nothing special happens, and while a TMF is under way. */
#define ZCIT_TICK		HZ
#define ZCIT_TICK_TMF		(HZ / 50)

/* Receive stages: where the next bytes of the stream go. */
enum {
	ZCIT_RX_BHS,		/* header into rx_hdr */
	ZCIT_RX_AHS,		/* AHS and header digest into rx_hdr */
	ZCIT_RX_DATA,		/* data segment of a control PDU into rx_data */
	ZCIT_RX_CMDSN,		/* a SCSI Command waits for its CmdSN */
	ZCIT_RX_WAITBUF,	/* write data waits for its buffers */
	ZCIT_RX_SGL,		/* write data into the command's pages */
	ZCIT_RX_TAIL,		/* its padding and data digest */
	ZCIT_RX_DISCARD,	/* bytes to drop */
};

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

/* conn.c: the transport, for the handlers */
void zcit_conn_sn(struct zcit_conn *conn, struct zcit_sn *sn, bool advance);
void zcit_conn_cmd_tx(struct zcit_conn *conn, struct zcit_cmd *cmd);
int zcit_txp_start(struct zcit_conn *conn, struct zcit_cmd *cmd, bool last);
void zcit_txp_finish(struct zcit_conn *conn, struct zcit_cmd *cmd,
		     u32 dlen, u32 pos, u32 sg_len);
void zcit_conn_rx_next(struct zcit_conn *conn);
int zcit_conn_rx_skip(struct zcit_conn *conn);
int zcit_conn_reject(struct zcit_conn *conn, u8 reason);
void zcit_conn_cmd_execute(struct zcit_conn *conn, struct zcit_cmd *cmd);

/* ffp.c: the handlers, for the transport */
int zcit_conn_scsi_cmd(struct zcit_conn *conn);
int zcit_conn_data_out(struct zcit_conn *conn);
bool zcit_conn_unpark(struct zcit_conn *conn, int *ret);
void zcit_conn_cmd_progress(struct zcit_conn *conn, struct zcit_cmd *cmd);
int zcit_conn_ffp_pdu(struct zcit_conn *conn);
int zcit_conn_build_cmd_pdu(struct zcit_conn *conn);
bool zcit_conn_tick_work(struct zcit_conn *conn);
void zcit_conn_ask_logout(struct zcit_conn *conn);

#endif
