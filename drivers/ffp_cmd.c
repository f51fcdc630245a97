// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol actions: the commands of a connection.
 *
 * A command is on the connection's rx_cmds while its write data is
 * expected, and on its tx_cmds while it has PDUs to send.  LIO hands a
 * command back through the connection's inboxes (zcit_conn_post()): its
 * buffers are ready (write_pending) or its response is (queue_data_in,
 * queue_status, queue_tm_rsp); zcit_ffp_take() takes them in.  Command
 * PDUs (R2T, Data-In, SCSI Response, TMF Response) are built here when
 * the transport is ready to send them (RFC 7143 11.4, 11.5, 11.7, 11.8).
 * All of it runs in the connection's io work, or, once the connection is
 * dead, in its release work (zcit_ffp_drain()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <zcit/compat.h>
#include <zcit/session.h>
#include <zcit/ffp.h>
#include <zcit/trace.h>

/**
 * zcit_ffp_sn() - sequence numbers for a PDU built now
 * @conn: the connection, in its io work
 * @sn: filled in
 * @advance: the PDU takes a StatSN
 */
void zcit_ffp_sn(struct zcit_conn *conn, struct zcit_sn *sn, bool advance)
{
	struct zcit_sess *sess = conn->sess;

	sn->statsn = advance ? conn->statsn++ : conn->statsn;
	spin_lock_bh(&sess->lock);
	sn->exp_cmdsn = sess->exp_cmdsn;
	sn->max_cmdsn = sess->max_cmdsn;
	spin_unlock_bh(&sess->lock);
}

/* A command has PDUs to send: queue it once. */
static void zcit_ffp_cmd_tx(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	if (!test_and_set_bit(ZCIT_CMD_ON_TX, &cmd->flags))
		list_add_tail(&cmd->tx_node, &conn->tx_cmds);
}

/*
 * Take a command off the connection's lists before LIO may free it.  The
 * PDU being sent, if it is the command's, goes on without it: its header
 * lives in its own page_frag buffer.  Data on its way to the command is
 * dropped.
 */
static void zcit_ffp_cmd_detach(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	if (test_and_clear_bit(ZCIT_CMD_RX, &cmd->flags))
		list_del_init(&cmd->rx_node);
	if (test_and_clear_bit(ZCIT_CMD_ON_TX, &cmd->flags))
		list_del_init(&cmd->tx_node);
	if (conn->tx_cmd == cmd)
		conn->tx_cmd = NULL;
	if (conn->rx_cmd == cmd) {
		conn->rx_cmd = NULL;
		cmd->rx_busy = false;
		zcit_conn_rx_cancel(conn);
	}
}

/* The data phase of a write is over: LIO runs it or ends its abort. */
static void zcit_ffp_cmd_execute(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	zcit_ffp_cmd_detach(conn, cmd);
	zcit_cmd_execute(cmd);
}

/* A write's data arrived or its buffers came: run it, or send R2Ts. */
static void zcit_ffp_cmd_progress(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	if (!test_bit(ZCIT_CMD_WP, &cmd->flags) || cmd->rx_busy)
		return;
	if (zcit_xfer_done(&cmd->xfer)) {
		zcit_ffp_cmd_execute(conn, cmd);
		return;
	}
	if (zcit_xfer_r2t_pending(&cmd->xfer)) {
		cmd->tx = ZCIT_TX_R2T;
		zcit_ffp_cmd_tx(conn, cmd);
	}
}

/**
 * zcit_ffp_rx_buffers() - may write data go into the command's buffers?
 * @conn: the connection, in its io work; conn->rx_cmd waits for them
 * @act: %ZCIT_RX_INTO once LIO has them, %ZCIT_RX_WAIT until then,
 *	%ZCIT_RX_SKIP if the command went away meanwhile
 */
void zcit_ffp_rx_buffers(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct zcit_cmd *cmd = conn->rx_cmd;

	act->dest = conn->rx_dest;
	if (!test_bit(ZCIT_CMD_WP, &cmd->flags)) {
		/* write_pending (or a refusal) may be posted already. */
		zcit_ffp_take(conn);
		if (conn->rx_cmd != cmd) {
			act->verdict = ZCIT_RX_SKIP;
			return;
		}
		if (!test_bit(ZCIT_CMD_WP, &cmd->flags)) {
			act->verdict = ZCIT_RX_WAIT;
			return;
		}
	}
	act->verdict = ZCIT_RX_INTO;
}

/**
 * zcit_ffp_rx_into() - the data segment of the PDU in goes to a command
 * @conn: the connection, in its io work
 * @cmd: the write
 * @pos: buffer offset of its first byte
 * @len: its length
 * @act: set to receive it, now or once LIO has the buffers
 */
void zcit_ffp_rx_into(struct zcit_conn *conn, struct zcit_cmd *cmd, u32 pos,
		      u32 len, struct zcit_rx_act *act)
{
	zcit_conn_count(conn, ZCIT_SS_RXDATA, len);
	conn->rx_cmd = cmd;
	cmd->rx_busy = true;
	conn->rx_dest = (struct zcit_rx_dest){
		.cur = &cmd->rx_cur,
		.pos = pos,
		.left = len,
		.cap = cmd->se_cmd.data_length,
		.owner = cmd,
	};
	zcit_ffp_rx_buffers(conn, act);
}

/**
 * zcit_ffp_rx_done() - a data segment is in a command's buffers
 * @conn: the connection, in its io work
 * @owner: the command
 */
void zcit_ffp_rx_done(struct zcit_conn *conn, void *owner)
{
	struct zcit_cmd *cmd = owner;

	cmd->rx_busy = false;
	conn->rx_cmd = NULL;
	zcit_ffp_cmd_progress(conn, cmd);
}

/**
 * zcit_ffp_abort_poll() - finish the data phase of writes LIO aborted
 * @conn: the connection, in its io work
 *
 * LIO waits for it before it answers the TMF that aborted them.
 */
void zcit_ffp_abort_poll(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd, *tmp;

	list_for_each_entry_safe(cmd, tmp, &conn->rx_cmds, rx_node)
		if (test_bit(ZCIT_CMD_WP, &cmd->flags) && !cmd->rx_busy &&
		    zcit_cmd_aborted(cmd))
			zcit_ffp_cmd_execute(conn, cmd);
}

/* LIO's write_pending: the buffers of a write are ready. */
static void zcit_ffp_take_wp(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	set_bit(ZCIT_CMD_WP, &cmd->flags);
	cmd->rx_cur.sg = cmd->se_cmd.t_data_sg;
	cmd->rx_cur.start = 0;
	cmd->rx_last = jiffies;
	if (WARN_ON_ONCE(!test_bit(ZCIT_CMD_RX, &cmd->flags)))
		zcit_ffp_cmd_execute(conn, cmd);
	else
		zcit_ffp_cmd_progress(conn, cmd);
}

/*
 * RFC 7143 11.5.1: an ABORT TASK of a task never received: its CmdSN
 * counts as received, and the task, if it is parked here waiting for its
 * turn, never runs.
 */
static void zcit_ffp_tmf_done(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct zcit_ooo *o, *tmp;

	if (!zcit_cmd_tmf_unseen(cmd))
		return;
	list_for_each_entry_safe(o, tmp, &conn->ooo, node) {
		if (o->cmdsn != cmd->ref_cmdsn)
			continue;
		list_del(&o->node);
		conn->nr_ooo--;
		kfree(o);
	}
	if (zcit_sess_skip_cmdsn(conn->sess, cmd->ref_cmdsn))
		pr_warn_ratelimited("%pISpc: too many CmdSNs aborted ahead of ExpCmdSN; CmdSN %u stays expected\n",
				    &conn->peer, cmd->ref_cmdsn);
}

/**
 * zcit_ffp_take() - take in what LIO posted: buffers, responses
 * @conn: the connection, in its io work
 */
void zcit_ffp_take(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd, *tmp;
	struct llist_node *list;

	list = llist_del_all(&conn->inbox[ZCIT_INBOX_WP]);
	list = llist_reverse_order(list);
	llist_for_each_entry_safe(cmd, tmp, list, wp_node)
		zcit_ffp_take_wp(conn, cmd);
	list = llist_del_all(&conn->inbox[ZCIT_INBOX_RSP]);
	list = llist_reverse_order(list);
	llist_for_each_entry_safe(cmd, tmp, list, lnode) {
		zcit_ffp_cmd_detach(conn, cmd);
		if (cmd->rsp == ZCIT_TX_TM_RSP) {
			if (conn->tmr_pending)
				conn->tmr_pending--;
			zcit_ffp_tmf_done(conn, cmd);
		}
		cmd->tx = cmd->rsp;
		cmd->tx_cur.sg = cmd->se_cmd.t_data_sg;
		cmd->tx_cur.start = 0;
		cmd->tx_sent = 0;
		zcit_ffp_cmd_tx(conn, cmd);
	}
}

/* Start a command PDU; @last: the command is freed once it is sent. */
static u8 *zcit_ffp_txp_start(struct zcit_conn *conn, struct zcit_cmd *cmd,
			      bool last)
{
	u8 *buf = zcit_txp_start(conn);

	if (buf) {
		conn->tx_cmd = cmd;
		conn->tx_last = last;
	}
	return buf;
}

/*
 * RFC 7143 11.8: the next R2T of a write.  Return 1, or 0 if none is due.
 * A draining connection (a Reject or a Logout Response on its way, then
 * the close) asks for no more data: the write is aborted once it is dead
 * (zcit_ffp_drain()).
 */
static int zcit_ffp_build_r2t(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct zcit_r2t r2t;
	struct zcit_sn sn;
	u8 *buf;

	if (!zcit_xfer_r2t_pending(&cmd->xfer) ||
	    zcit_conn_state(conn) >= ZCIT_CONN_DRAINING)
		return 0;
	buf = zcit_ffp_txp_start(conn, cmd, false);
	if (!buf)
		return -ENOMEM;
	zcit_xfer_next_r2t(&cmd->xfer, &r2t);
	cmd->rx_last = jiffies;
	zcit_ffp_sn(conn, &sn, false);
	zcit_build_r2t((struct iscsi_r2t_rsp *)buf, cmd->itt, &cmd->lun,
		       r2t.ttt, r2t.r2tsn, r2t.offset, r2t.len, &sn);
	cmd->datasn++;
	zcit_txp_finish(conn, &cmd->tx_cur, 0, 0, 0);
	return 1;
}

/*
 * RFC 7143 11.7: the next Data-In of a read, straight from its pages.
 * The status goes with the last one (S bit) unless there is sense data.
 */
static int zcit_ffp_build_data_in(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct se_cmd *se_cmd = &cmd->se_cmd;
	u32 total = se_cmd->data_length, pos = cmd->tx_sent;
	struct zcit_status st;
	struct zcit_sn sn;
	bool seq_end, last, fold;
	u32 len;
	u8 *buf;

	len = zcit_datain_next(total, pos, conn->max_xmit_dsl, conn->max_burst,
			       &seq_end);
	last = pos + len == total;
	fold = last && !se_cmd->scsi_sense_length;
	buf = zcit_ffp_txp_start(conn, cmd, fold);
	if (!buf)
		return -ENOMEM;
	if (fold) {
		zcit_cmd_status(cmd, &st);
		if (test_and_clear_bit(ZCIT_CMD_WINDOW, &cmd->flags))
			zcit_sess_window_open(conn->sess);
	}
	zcit_ffp_sn(conn, &sn, fold);
	zcit_build_data_in((struct iscsi_data_rsp *)buf, cmd->itt, &cmd->lun,
			   cmd->datasn++, pos, len, seq_end,
			   fold ? &st : NULL, &sn);
	zcit_sg_seek(&cmd->tx_cur, pos);
	zcit_txp_finish(conn, &cmd->tx_cur, 0, pos, len);
	cmd->tx_sent += len;
	zcit_conn_count(conn, ZCIT_SS_TXDATA, len);
	if (last && !fold)
		cmd->tx = ZCIT_TX_STATUS;
	return 1;
}

/* RFC 7143 11.4: a SCSI Response, with sense data if any (11.4.7). */
static int zcit_ffp_build_status(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct se_cmd *se_cmd = &cmd->se_cmd;
	u32 hd = conn->hdr_digest ? ZCIT_DIGEST_LEN : 0;
	u32 slen = min_t(u32, se_cmd->scsi_sense_length, TRANSPORT_SENSE_BUFFER);
	u32 dlen = slen ? slen + 2 : 0;
	struct zcit_status st;
	struct zcit_sn sn;
	u8 *buf;

	buf = zcit_ffp_txp_start(conn, cmd, true);
	if (!buf)
		return -ENOMEM;
	zcit_cmd_status(cmd, &st);
	if (test_and_clear_bit(ZCIT_CMD_WINDOW, &cmd->flags))
		zcit_sess_window_open(conn->sess);
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_scsi_rsp((struct iscsi_scsi_rsp *)buf, cmd->itt, &st,
			    cmd->datasn, dlen, &sn);
	if (slen) {
		put_unaligned_be16(slen, buf + ZCIT_BHS_LEN + hd);
		memcpy(buf + ZCIT_BHS_LEN + hd + 2, se_cmd->sense_buffer, slen);
	}
	zcit_txp_finish(conn, &cmd->tx_cur, dlen, 0, 0);
	zcit_conn_count(conn, ZCIT_SS_RSP_PDUS, 1);
	return 1;
}

/* RFC 7143 11.6: a Task Management Function Response. */
static int zcit_ffp_build_tm_rsp(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct zcit_sn sn;
	u8 *buf, response;

	buf = zcit_ffp_txp_start(conn, cmd, true);
	if (!buf)
		return -ENOMEM;
	response = zcit_cmd_tmf_response(cmd);
	trace_zcit_tmf_rsp(conn, cmd->itt, cmd->tmf, response);
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_tm_rsp((struct iscsi_tm_rsp *)buf, cmd->itt, response, &sn);
	zcit_txp_finish(conn, &cmd->tx_cur, 0, 0, 0);
	return 1;
}

/**
 * zcit_ffp_tx_build() - the next command PDU to send
 * @conn: the connection, in its io work
 *
 * Builds the next PDU of the first command with something to send.
 *
 * Return: 1 when conn->txp is ready, 0 when nothing is to be sent, or
 * -ENOMEM.
 */
int zcit_ffp_tx_build(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd;
	int ret;

	while ((cmd = list_first_entry_or_null(&conn->tx_cmds,
					       struct zcit_cmd, tx_node))) {
		switch (cmd->tx) {
		case ZCIT_TX_R2T:
			ret = zcit_ffp_build_r2t(conn, cmd);
			if (ret)
				return ret;
			break;
		case ZCIT_TX_DATA_IN:
			if (cmd->tx_sent < cmd->se_cmd.data_length)
				return zcit_ffp_build_data_in(conn, cmd);
			return zcit_ffp_build_status(conn, cmd);
		case ZCIT_TX_STATUS:
			return zcit_ffp_build_status(conn, cmd);
		case ZCIT_TX_TM_RSP:
			return zcit_ffp_build_tm_rsp(conn, cmd);
		case ZCIT_TX_NONE:
			WARN_ON_ONCE(1);
			break;
		}
		/* Nothing more to send for now. */
		clear_bit(ZCIT_CMD_ON_TX, &cmd->flags);
		list_del_init(&cmd->tx_node);
	}
	return 0;
}

/**
 * zcit_ffp_tx_done() - the command PDU in txp is all with TCP
 * @conn: the connection, in its io work
 */
void zcit_ffp_tx_done(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd = conn->tx_cmd;

	conn->tx_cmd = NULL;
	if (cmd && conn->tx_last) {
		if (trace_zcit_cmd_done_enabled() && cmd->tx != ZCIT_TX_TM_RSP)
			trace_zcit_cmd_done(cmd);
		zcit_ffp_cmd_detach(conn, cmd);
		zcit_cmd_free(cmd);
	}
}

/* Has @cmd a PDU to send now?  @r2t: R2Ts may still go out. */
static bool zcit_ffp_cmd_has_tx(struct zcit_cmd *cmd, bool r2t)
{
	if (cmd->tx == ZCIT_TX_R2T)
		return r2t && zcit_xfer_r2t_pending(&cmd->xfer);
	return true;
}

/**
 * zcit_ffp_tx_more() - will another command PDU follow at once?
 * @conn: the connection, in its io work
 *
 * Return: true if TCP may hold back what is being sent (MSG_MORE).
 */
bool zcit_ffp_tx_more(struct zcit_conn *conn)
{
	bool r2t = zcit_conn_state(conn) < ZCIT_CONN_DRAINING;
	struct zcit_cmd *cmd;

	list_for_each_entry(cmd, &conn->tx_cmds, tx_node) {
		/* The last PDU of the command under way is not "more". */
		if (cmd == conn->tx_cmd && conn->txp.total && conn->tx_last)
			continue;
		if (zcit_ffp_cmd_has_tx(cmd, r2t))
			return true;
	}
	return false;
}

/**
 * zcit_ffp_drain() - a dead connection lets go of its commands
 * @conn: the connection, in its release work
 *
 * Fails the writes that wait for data, drops what waits to be sent.
 * Commands still in LIO come back through the inboxes, and the release
 * work runs this again, until the last one is released.
 */
void zcit_ffp_drain(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd, *tmp;
	struct llist_node *list;

	list = llist_del_all(&conn->inbox[ZCIT_INBOX_WP]);
	llist_for_each_entry_safe(cmd, tmp, list, wp_node)
		set_bit(ZCIT_CMD_WP, &cmd->flags);
	list = llist_del_all(&conn->inbox[ZCIT_INBOX_RSP]);
	llist_for_each_entry_safe(cmd, tmp, list, lnode) {
		zcit_ffp_cmd_detach(conn, cmd);
		zcit_cmd_free(cmd);
	}
	list_for_each_entry_safe(cmd, tmp, &conn->tx_cmds, tx_node) {
		if (cmd->tx == ZCIT_TX_R2T)
			continue;	/* still in its data phase */
		zcit_ffp_cmd_detach(conn, cmd);
		zcit_cmd_free(cmd);
	}
	list_for_each_entry_safe(cmd, tmp, &conn->rx_cmds, rx_node) {
		if (!test_bit(ZCIT_CMD_WP, &cmd->flags))
			continue;	/* LIO has not got that far */
		zcit_ffp_cmd_detach(conn, cmd);
		zcit_cmd_abort_write(cmd);
	}
}

/**
 * zcit_ffp_release() - the connection's last reference is gone
 * @conn: the connection, about to be freed
 *
 * Leaves its session (perhaps ending it) and TPG; frees the protocol
 * state.
 */
void zcit_ffp_release(struct zcit_conn *conn)
{
	struct zcit_ooo *o, *tmp;

	zcit_sess_release_conn(conn);
	if (conn->login) {
		zcit_login_free(conn->login);
		kfree(conn->login);
	}
	list_for_each_entry_safe(o, tmp, &conn->ooo, node)
		kfree(o);
	zcit_text_in_free(&conn->text_in);
	zcit_text_out_free(&conn->text_out);
}
