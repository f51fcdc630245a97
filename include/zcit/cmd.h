/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: SCSI commands and task management requests between a connection
 * (the protocol actions, ffp.c and ffp_cmd.c) and LIO core (the glue,
 * cmd.c).
 */
#ifndef ZCIT_CMD_H
#define ZCIT_CMD_H

#include <linux/llist.h>
#include <linux/list.h>
#include <scsi/scsi_proto.h>
#include <target/target_core_base.h>
#include <zcit/pdu.h>
#include <zcit/xfer.h>
#include <zcit/zc.h>

struct zcit_conn;

/* What a command sends next (&struct zcit_cmd.tx). */
enum zcit_cmd_tx {
	ZCIT_TX_NONE,
	ZCIT_TX_R2T,		/* R2Ts its transfer asks for */
	ZCIT_TX_DATA_IN,	/* read data, then its status */
	ZCIT_TX_STATUS,		/* a SCSI Response */
	ZCIT_TX_TM_RSP,		/* a Task Management Function Response */
};

/* Bits of &struct zcit_cmd.flags. */
enum {
	ZCIT_CMD_RX,		/* on the connection's rx_cmds: data expected */
	ZCIT_CMD_WP,		/* LIO called write_pending: buffers exist */
	ZCIT_CMD_ON_TX,		/* on the connection's tx_cmds */
	ZCIT_CMD_WINDOW,	/* takes a CmdSN: MaxCmdSN moves when it ends */
};

/**
 * struct zcit_cmd - a SCSI command or a TMF request, from a session tag
 * @se_cmd: LIO's command
 * @conn: the connection it came in on; the command holds a reference
 * @lnode: on the connection's response inbox
 * @wp_node: on the connection's write-pending inbox
 * @rx_node: on the connection's rx_cmds (io work only)
 * @tx_node: on the connection's tx_cmds (io work only)
 * @flags: ZCIT_CMD_* bits
 * @itt: Initiator Task Tag, as received
 * @lun: LUN, as received
 * @tx: what to send next
 * @rsp: what LIO asked to send (set before @lnode is queued)
 * @xfer: write data bookkeeping
 * @rx_busy: a PDU's data is being received into the buffers
 * @rx_last: jiffies of the last sign of its write data (Data-Out, R2T)
 * @rx_cur: receive cursor in the buffers
 * @tx_cur: send cursor in the buffers
 * @tx_sent: read data sent
 * @datasn: Data-In and R2T PDUs sent (ExpDataSN)
 * @cmdsn: CmdSN of a TMF request
 * @ref_cmdsn: RefCmdSN of an ABORT TASK
 * @ref_unseen: @ref_cmdsn was within the CmdSN window (not yet received)
 * @tmf: the TMF function
 * @start_ns: when it went to LIO, for the zcit_cmd_done tracepoint (0
 *	unless that was enabled then)
 * @born: jiffies when it was received, for zcit_cmd_report_held()
 * @opcode: its CDB's operation code, for zcit_cmd_report_held()
 * @sense: sense buffer
 */
struct zcit_cmd {
	struct se_cmd se_cmd;
	struct zcit_conn *conn;
	struct llist_node lnode;
	struct llist_node wp_node;
	struct list_head rx_node;
	struct list_head tx_node;
	unsigned long flags;
	itt_t itt;
	struct scsi_lun lun;
	enum zcit_cmd_tx tx;
	enum zcit_cmd_tx rsp;
	bool rx_busy;
	unsigned long rx_last;
	struct zcit_xfer xfer;
	struct zcit_sg_cur rx_cur;
	struct zcit_sg_cur tx_cur;
	u32 tx_sent;
	u32 datasn;
	u32 cmdsn;
	u32 ref_cmdsn;
	u32 buf_bytes;
	bool ref_unseen;
	u8 tmf;
	u64 start_ns;
	unsigned long born;
	u8 opcode;
	u8 sense[TRANSPORT_SENSE_BUFFER];
};

static inline struct zcit_cmd *to_zcit_cmd(struct se_cmd *se_cmd)
{
	return container_of(se_cmd, struct zcit_cmd, se_cmd);
}

/* cmd.c: LIO glue */
unsigned int zcit_cmd_report_held(struct zcit_conn *conn, const char *who);
int zcit_cmd_init(struct zcit_conn *conn, const struct iscsi_scsi_req *req,
		  struct zcit_cmd **out);
u32 zcit_cmd_start(struct zcit_cmd *cmd, u8 *cdb);
void zcit_cmd_execute(struct zcit_cmd *cmd);
void zcit_cmd_abort_write(struct zcit_cmd *cmd);
bool zcit_cmd_aborted(const struct zcit_cmd *cmd);
int zcit_cmd_tmf(struct zcit_conn *conn, const struct iscsi_tm *req,
		 u8 *response);
bool zcit_cmd_tmf_unseen(const struct zcit_cmd *cmd);
u8 zcit_cmd_tmf_response(struct zcit_cmd *cmd);
void zcit_cmd_status(const struct zcit_cmd *cmd, struct zcit_status *st);
void zcit_cmd_free(struct zcit_cmd *cmd);
int zcit_queue_data_in(struct se_cmd *se_cmd);
int zcit_queue_status(struct se_cmd *se_cmd);
int zcit_write_pending(struct se_cmd *se_cmd);
void zcit_queue_tm_rsp(struct se_cmd *se_cmd);
void zcit_aborted_task(struct se_cmd *se_cmd);
int zcit_check_stop_free(struct se_cmd *se_cmd);
void zcit_release_cmd(struct se_cmd *se_cmd);
u32 zcit_sess_tags(u32 cmdsn_depth);

#endif /* ZCIT_CMD_H */
