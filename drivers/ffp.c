// SPDX-License-Identifier: GPL-2.0
/*
 * zcit Full Feature Phase (RFC 7143 10-11): what a connection does with
 * each PDU once logged in, and the PDUs it sends for commands.
 *
 * The transport (conn.c) hands these handlers a PDU whose header, or
 * whole PDU for control PDUs, is in; they check it, pass SCSI commands and
 * task management to LIO (cmd.c), set where write data goes, and queue
 * answers.  Command PDUs (R2T, Data-In, SCSI Response, TMF Response) are
 * built here when the transport is ready to send them, straight into its
 * page_frag header buffer.  All of it runs in the connection's io work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <scsi/scsi_common.h>
#include <scsi/scsi_proto.h>
#include <target/target_core_base.h>
#include <target/target_core_fabric.h>
#include <zcit/compat.h>
#include <zcit/cmd.h>
#include <zcit/ffp.h>

/* RFC 7143 11.8: the next R2T of a write.  Return 1, or 0 if none is due. */
static int zcit_conn_build_r2t(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct zcit_r2t r2t;
	struct zcit_sn sn;
	int ret;

	if (!zcit_xfer_r2t_pending(&cmd->xfer))
		return 0;
	ret = zcit_txp_start(conn, cmd, false);
	if (ret)
		return ret;
	zcit_xfer_next_r2t(&cmd->xfer, &r2t);
	cmd->rx_last = jiffies;
	zcit_conn_sn(conn, &sn, false);
	zcit_build_r2t((struct iscsi_r2t_rsp *)conn->txp.buf, cmd->itt,
		       &cmd->lun, r2t.ttt, r2t.r2tsn, r2t.offset, r2t.len, &sn);
	cmd->datasn++;
	zcit_txp_finish(conn, cmd, 0, 0, 0);
	return 1;
}

/*
 * RFC 7143 11.7: the next Data-In of a read, straight from its pages.
 * The status goes with the last one (S bit) unless there is sense data.
 */
static int zcit_conn_build_data_in(struct zcit_conn *conn,
				   struct zcit_cmd *cmd)
{
	struct se_cmd *se_cmd = &cmd->se_cmd;
	u32 total = se_cmd->data_length, pos = cmd->tx_sent;
	struct zcit_status st;
	struct zcit_sn sn;
	bool seq_end, last, fold;
	u32 len;
	int ret;

	len = zcit_datain_next(total, pos, conn->max_xmit_dsl, conn->max_burst,
			       &seq_end);
	last = pos + len == total;
	fold = last && !se_cmd->scsi_sense_length;
	ret = zcit_txp_start(conn, cmd, fold);
	if (ret)
		return ret;
	if (fold) {
		zcit_cmd_status(cmd, &st);
		if (test_and_clear_bit(ZCIT_CMD_WINDOW, &cmd->flags))
			zcit_sess_window_open(conn->sess);
	}
	zcit_conn_sn(conn, &sn, fold);
	zcit_build_data_in((struct iscsi_data_rsp *)conn->txp.buf, cmd->itt,
			   &cmd->lun, cmd->datasn++, pos, len, seq_end,
			   fold ? &st : NULL, &sn);
	zcit_sg_seek(&cmd->tx_cur, pos);
	zcit_txp_finish(conn, cmd, 0, pos, len);
	cmd->tx_sent += len;
	if (last && !fold)
		cmd->tx = ZCIT_TX_STATUS;
	return 1;
}

/* RFC 7143 11.4: a SCSI Response, with sense data if any (11.4.7). */
static int zcit_conn_build_status(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct se_cmd *se_cmd = &cmd->se_cmd;
	u32 hd = conn->hdr_digest ? ZCIT_DIGEST_LEN : 0;
	u32 slen = min_t(u32, se_cmd->scsi_sense_length, TRANSPORT_SENSE_BUFFER);
	u32 dlen = slen ? slen + 2 : 0;
	struct zcit_status st;
	struct zcit_sn sn;
	u8 *data;
	int ret;

	ret = zcit_txp_start(conn, cmd, true);
	if (ret)
		return ret;
	zcit_cmd_status(cmd, &st);
	if (test_and_clear_bit(ZCIT_CMD_WINDOW, &cmd->flags))
		zcit_sess_window_open(conn->sess);
	zcit_conn_sn(conn, &sn, true);
	zcit_build_scsi_rsp((struct iscsi_scsi_rsp *)conn->txp.buf, cmd->itt,
			    &st, cmd->datasn, dlen, &sn);
	data = conn->txp.buf + ZCIT_BHS_LEN + hd;
	if (slen) {
		put_unaligned_be16(slen, data);
		memcpy(data + 2, se_cmd->sense_buffer, slen);
	}
	zcit_txp_finish(conn, cmd, dlen, 0, 0);
	return 1;
}

static int zcit_conn_build_tm_rsp(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct zcit_sn sn;
	int ret;

	ret = zcit_txp_start(conn, cmd, true);
	if (ret)
		return ret;
	zcit_conn_sn(conn, &sn, true);
	zcit_build_tm_rsp((struct iscsi_tm_rsp *)conn->txp.buf, cmd->itt,
			  zcit_cmd_tmf_response(cmd), &sn);
	zcit_txp_finish(conn, cmd, 0, 0, 0);
	return 1;
}

/**
 * zcit_conn_build_cmd_pdu() - the next command PDU to send
 * @conn: the connection, in its io work
 *
 * Builds the next PDU of the first command with something to send.
 *
 * Return: 1 when conn->txp is ready, 0 when nothing is to be sent, or
 * -ENOMEM.
 */
int zcit_conn_build_cmd_pdu(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd;
	int ret;

	while ((cmd = list_first_entry_or_null(&conn->tx_cmds,
					       struct zcit_cmd, tx_node))) {
		switch (cmd->tx) {
		case ZCIT_TX_R2T:
			ret = zcit_conn_build_r2t(conn, cmd);
			if (ret)
				return ret;
			break;
		case ZCIT_TX_DATA_IN:
			if (cmd->tx_sent < cmd->se_cmd.data_length)
				return zcit_conn_build_data_in(conn, cmd);
			return zcit_conn_build_status(conn, cmd);
		case ZCIT_TX_STATUS:
			return zcit_conn_build_status(conn, cmd);
		case ZCIT_TX_TM_RSP:
			return zcit_conn_build_tm_rsp(conn, cmd);
		default:
			WARN_ON_ONCE(1);
			break;
		}
		/* Nothing more to send for now. */
		clear_bit(ZCIT_CMD_ON_TX, &cmd->flags);
		list_del_init(&cmd->tx_node);
	}
	return 0;
}

/* The data segment of the PDU in: @len bytes at @pos of @cmd's buffers. */
static void zcit_conn_rx_into(struct zcit_conn *conn, struct zcit_cmd *cmd,
			      u32 pos, u32 len)
{
	conn->rx_cmd = cmd;
	cmd->rx_busy = true;
	conn->rx_pos = pos;
	conn->rx_left = len;
	conn->rx_stage = ZCIT_RX_WAITBUF;
}

/*
 * RFC 7143 11.3.6: the CDB is 16 bytes in the BHS, followed by the rest
 * from an Extended CDB AHS.  Make it one buffer (the AHS is moved down to
 * follow the BHS's 16 bytes).  Return: the CDB, or NULL if the AHS are
 * malformed or the CDB is longer than what came.
 */
static u8 *zcit_conn_cdb(struct zcit_conn *conn)
{
	u8 *h = conn->rx_hdr, *ahs = h + ZCIT_BHS_LEN;
	u8 *cdb = h + offsetof(struct iscsi_scsi_req, cdb);
	u32 total = conn->rx_lens.ahs, off = 0, ext = 0, alen, len;

	while (off < total) {
		if (total - off < 4)
			return NULL;
		alen = get_unaligned_be16(ahs + off);
		len = ALIGN(3 + alen, 4);
		if (!alen || len > total - off)
			return NULL;
		if (ahs[off + 2] == ISCSI_AHSTYPE_CDB) {
			if (ext)
				return NULL;
			ext = alen - 1;	/* less the reserved byte */
			memmove(ahs, ahs + off + 4, ext);
		}
		off += len;
	}
	if (scsi_command_size(cdb) > ISCSI_CDB_SIZE + ext)
		return NULL;
	return cdb;
}

static void zcit_conn_busy(struct zcit_conn *conn, itt_t itt)
{
	struct zcit_status st = { .status = SAM_STAT_TASK_SET_FULL };
	struct iscsi_scsi_rsp rsp;
	struct zcit_sn sn;

	zcit_conn_sn(conn, &sn, true);
	zcit_build_scsi_rsp(&rsp, itt, &st, 0, 0, &sn);
	zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
}

/*
 * RFC 7143 4.2.2.1: a command whose CmdSN is ahead of ExpCmdSN waits for
 * the ones before it.  One without data is parked (its header kept) and
 * reading goes on, since the missing commands may come on this very
 * connection; it is taken up again by zcit_conn_unpark().  One with data
 * following waits in the receive state machine for another connection of
 * the session to fill the gap; alone on its session, it never could:
 * that is a protocol error.
 */
static int zcit_conn_early_cmd(struct zcit_conn *conn, bool unsolicited)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	u32 cmdsn = be32_to_cpu(req->cmdsn), len;
	struct zcit_ooo *o;
	int ret;

	if (conn->rx_lens.data || unsolicited) {
		if (READ_ONCE(conn->sess->nr_conns) > 1) {
			conn->rx_stage = ZCIT_RX_CMDSN;
			return 0;
		}
		pr_warn_ratelimited("%pISpc: CmdSN %u ahead of the session, with data: closing\n",
				    &conn->peer, cmdsn);
		conn->close_after_tx = true;
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	list_for_each_entry(o, &conn->ooo, node)
		if (o->cmdsn == cmdsn) {
			/* The same CmdSN twice: the second is dropped. */
			zcit_conn_rx_next(conn);
			return 0;
		}
	if (conn->nr_ooo >= conn->sess->cmdsn_depth) {
		conn->close_after_tx = true;
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	len = ZCIT_BHS_LEN + conn->rx_lens.ahs;
	o = kmalloc(struct_size(o, hdr, len), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->cmdsn = cmdsn;
	o->ahs = conn->rx_lens.ahs;
	memcpy(o->hdr, conn->rx_hdr, len);
	list_add_tail(&o->node, &conn->ooo);
	conn->nr_ooo++;
	zcit_conn_rx_next(conn);
	return 0;
}

/**
 * zcit_conn_unpark() - take up a parked command whose turn has come
 * @conn: the connection, in its io work, between PDUs
 * @ret: set to what handling it returned
 *
 * Return: true if a parked command was handled.
 */
bool zcit_conn_unpark(struct zcit_conn *conn, int *ret)
{
	struct zcit_sess *sess = conn->sess;
	struct zcit_ooo *o;
	u32 exp;

	spin_lock_bh(&sess->lock);
	exp = sess->exp_cmdsn;
	spin_unlock_bh(&sess->lock);
	list_for_each_entry(o, &conn->ooo, node) {
		if (o->cmdsn != exp)
			continue;
		list_del(&o->node);
		conn->nr_ooo--;
		memcpy(conn->rx_hdr, o->hdr, ZCIT_BHS_LEN + o->ahs);
		conn->rx_lens = (struct zcit_pdu_lens){ .ahs = o->ahs };
		conn->rx_bad = false;
		kfree(o);
		*ret = zcit_conn_scsi_cmd(conn);
		return true;
	}
	return false;
}

/**
 * zcit_conn_scsi_cmd() - a SCSI Command whose header is in
 * @conn: the connection, in its io work
 *
 * RFC 7143 11.3: the command waits for its CmdSN, goes to LIO, and its
 * immediate data, if any, goes to its buffers.
 *
 * Return: 0 or -errno (the connection is closed).
 */
int zcit_conn_scsi_cmd(struct zcit_conn *conn)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	bool immediate = req->opcode & ISCSI_OP_IMMEDIATE;
	u32 edtl = be32_to_cpu(req->data_length);
	/* 11.3.1: with an EDTL of 0, R and W mean nothing. */
	bool w = edtl && (req->flags & ISCSI_FLAG_CMD_WRITE);
	bool r = edtl && (req->flags & ISCSI_FLAG_CMD_READ);
	u32 dlen = conn->rx_lens.data;
	struct zcit_xfer x;
	struct zcit_cmd *cmd;
	u8 reason = 0;
	u8 *cdb = NULL;
	int ret;

	if (conn->sess->discovery) {
		/* RFC 7143 4.3: Text and Logout only. */
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	if (!immediate) {
		ret = zcit_sess_take_cmdsn(conn->sess, be32_to_cpu(req->cmdsn));
		if (ret == -EAGAIN)
			return zcit_conn_early_cmd(conn, w && !(req->flags &
							      ISCSI_FLAG_CMD_FINAL));
		if (ret) {
			/* RFC 7143 4.2.2.1: outside the window: dropped. */
			pr_debug("%pISpc: CmdSN %u outside the window\n",
				 &conn->peer, be32_to_cpu(req->cmdsn));
			return zcit_conn_rx_skip(conn);
		}
	}
	if (w && r)
		reason = ISCSI_REASON_CMD_NOT_SUPPORTED;	/* bidirectional */
	else if ((dlen && !w) || (!w && !r && edtl))
		reason = ISCSI_REASON_PROTOCOL_ERROR;	/* 11.3.1, 11.3.4 */
	else if (w && zcit_xfer_init(&x, &conn->xp, edtl, dlen,
				     req->flags & ISCSI_FLAG_CMD_FINAL, 0))
		reason = ISCSI_REASON_PROTOCOL_ERROR;	/* 4.2.5.2 */
	if (!reason) {
		cdb = zcit_conn_cdb(conn);
		if (!cdb)
			reason = ISCSI_REASON_PROTOCOL_ERROR;
	}
	if (reason) {
		pr_debug("%pISpc: SCSI Command ITT 0x%08x rejected (0x%02x)\n",
			 &conn->peer, be32_to_cpu((__force __be32)req->itt),
			 reason);
		if (!immediate)
			zcit_sess_window_open(conn->sess);
		ret = zcit_conn_reject(conn, reason);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	ret = zcit_cmd_submit(conn, req, cdb, w && edtl ? &x : NULL, &cmd);
	if (ret == -EBUSY) {
		/* SAM-5 5.3: no room for one more task. */
		if (!immediate)
			zcit_sess_window_open(conn->sess);
		zcit_conn_busy(conn, req->itt);
		return zcit_conn_rx_skip(conn);
	}
	if (ret)
		return ret;
	if (!dlen) {
		zcit_conn_rx_next(conn);
		return 0;
	}
	zcit_conn_rx_into(conn, cmd, 0, dlen);
	return 0;
}

static struct zcit_cmd *zcit_conn_find_write(struct zcit_conn *conn, itt_t itt)
{
	struct zcit_cmd *cmd;

	list_for_each_entry(cmd, &conn->rx_cmds, rx_node)
		if (cmd->itt == itt)
			return cmd;
	return NULL;
}

/**
 * zcit_conn_data_out() - a SCSI Data-Out whose header is in
 * @conn: the connection, in its io work
 *
 * RFC 7143 11.7: check it, and have its data received into its command's
 * buffers.
 *
 * Return: 0 or -errno (the connection is closed).
 */
int zcit_conn_data_out(struct zcit_conn *conn)
{
	struct iscsi_data *d = (struct iscsi_data *)conn->rx_hdr;
	u32 dlen = conn->rx_lens.data, offset = be32_to_cpu(d->offset);
	struct zcit_cmd *cmd;
	int ret;

	cmd = zcit_conn_find_write(conn, d->itt);
	if (!cmd) {
		/*
		 * A task already answered (its data is of no use), or no task
		 * at all: the data is dropped, as iscsi_target_mod does.
		 */
		pr_debug("%pISpc: Data-Out for unknown ITT 0x%08x dropped\n",
			 &conn->peer, be32_to_cpu((__force __be32)d->itt));
		return zcit_conn_rx_skip(conn);
	}
	if (zcit_xfer_data_out(&cmd->xfer, be32_to_cpu(d->ttt),
			       be32_to_cpu(d->datasn), offset, dlen,
			       d->flags & ISCSI_FLAG_CMD_FINAL)) {
		/*
		 * A wrong TTT, DataSN, offset, length or F bit cannot be
		 * recovered from at ErrorRecoveryLevel 0 (RFC 7143 7.1.4.1):
		 * reject it and drop the connection.
		 */
		pr_warn_ratelimited("%pISpc: bad Data-Out for ITT 0x%08x (TTT 0x%08x DataSN %u offset %u length %u): closing\n",
				    &conn->peer,
				    be32_to_cpu((__force __be32)d->itt),
				    be32_to_cpu(d->ttt),
				    be32_to_cpu(d->datasn), offset, dlen);
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		conn->close_after_tx = true;
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	cmd->rx_last = jiffies;
	zcit_conn_rx_into(conn, cmd, offset, dlen);
	return 0;
}

/**
 * zcit_conn_cmd_progress() - a write's data arrived or its buffers came
 * @conn: the connection, in its io work
 * @cmd: the write
 *
 * Runs the write once all its data is in, or queues the R2Ts due.
 */
void zcit_conn_cmd_progress(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	if (!test_bit(ZCIT_CMD_WP, &cmd->flags) || cmd->rx_busy)
		return;
	if (zcit_xfer_done(&cmd->xfer)) {
		zcit_conn_cmd_execute(conn, cmd);
		return;
	}
	if (zcit_xfer_r2t_pending(&cmd->xfer)) {
		cmd->tx = ZCIT_TX_R2T;
		zcit_conn_cmd_tx(conn, cmd);
	}
}

/* RFC 7143 11.18-11.19: NOP-Out. */
static int zcit_conn_nop_out(struct zcit_conn *conn)
{
	struct iscsi_nopout *req = (struct iscsi_nopout *)conn->rx_hdr;
	struct iscsi_nopin rsp;
	struct zcit_sn sn;
	u32 dlen = conn->rx_lens.data;

	/* The answer to one of our pings: nothing to send back. */
	if ((__force u32)req->itt == ISCSI_RESERVED_TAG) {
		if (conn->ping_out && be32_to_cpu(req->ttt) == conn->ping_ttt)
			conn->ping_out = false;
		return 0;
	}
	/* 11.18.5: the ping data is echoed, within what we may send. */
	dlen = min(dlen, conn->max_xmit_dsl);
	zcit_conn_sn(conn, &sn, true);
	zcit_build_nopin(&rsp, req, dlen, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, conn->rx_data, dlen);
}

/* RFC 7143 11.14-11.15: Logout. */
static int zcit_conn_logout(struct zcit_conn *conn)
{
	struct iscsi_logout *req = (struct iscsi_logout *)conn->rx_hdr;
	u8 reason = req->flags & ISCSI_FLAG_LOGOUT_REASON_MASK;
	struct iscsi_logout_rsp rsp;
	u8 response = ISCSI_LOGOUT_SUCCESS;
	struct zcit_sn sn;
	int ret;

	switch (reason) {
	case ISCSI_LOGOUT_REASON_CLOSE_SESSION:
		break;
	case ISCSI_LOGOUT_REASON_CLOSE_CONNECTION:
		/* Closing another connection of the session: ERL 0 only. */
		if (be16_to_cpu(req->cid) != conn->cid)
			response = ISCSI_LOGOUT_CID_NOT_FOUND;
		break;
	default:
		/* 11.15.1: no connection recovery at ERL 0. */
		response = ISCSI_LOGOUT_RECOVERY_UNSUPPORTED;
		break;
	}
	zcit_conn_sn(conn, &sn, true);
	zcit_build_logout_rsp(&rsp, req, response, &sn);
	ret = zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
	if (ret || response != ISCSI_LOGOUT_SUCCESS)
		return ret;
	pr_debug("%pISpc: logout (reason %u)\n", &conn->peer, reason);
	conn->close_after_tx = true;
	if (reason == ISCSI_LOGOUT_REASON_CLOSE_SESSION)
		zcit_sess_close(conn->sess, conn);
	return 0;
}

static void zcit_conn_next_ttt(struct zcit_conn *conn)
{
	if (++conn->text_ttt == ISCSI_RESERVED_TAG)
		conn->text_ttt = 0;
}

/* RFC 7143 11.10-11.11: Text, which zcit uses for SendTargets only. */
static int zcit_conn_text(struct zcit_conn *conn)
{
	struct iscsi_text *req = (struct iscsi_text *)conn->rx_hdr;
	u32 ttt = be32_to_cpu(req->ttt);
	struct iscsi_text_rsp rsp;
	struct zcit_sn sn;
	struct zcit_kv kv;
	const char *data;
	bool more;
	u32 pos = 0, n;
	int ret = 0;

	/* Buffers only for connections that use Text (discovery, mostly). */
	if (!conn->text_in.buf &&
	    (zcit_text_in_init(&conn->text_in, ZCIT_TEXT_TOTAL_MAX) ||
	     zcit_text_out_init(&conn->text_out, ZCIT_TEXT_TOTAL_MAX)))
		return -ENOMEM;

	if (ttt == ISCSI_RESERVED_TAG) {
		/* 11.10.4: a new request; whatever was under way is over. */
		zcit_text_in_reset(&conn->text_in);
		zcit_text_out_reset(&conn->text_out);
		zcit_conn_next_ttt(conn);
	} else if (ttt != conn->text_ttt) {
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	}
	if (zcit_text_in_append(&conn->text_in, conn->rx_data,
				conn->rx_lens.data)) {
		zcit_text_in_reset(&conn->text_in);
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	}
	if (req->flags & ISCSI_FLAG_TEXT_CONTINUE) {
		/*
		 * 11.10.2: more of the request follows; acknowledge with an
		 * empty response, F and C clear, whose TTT the next piece
		 * carries.
		 */
		zcit_conn_sn(conn, &sn, true);
		zcit_build_text_rsp(&rsp, req, false, 0, 0, &sn);
		rsp.flags = 0;
		rsp.ttt = cpu_to_be32(conn->text_ttt);
		return zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
	}

	if (conn->text_in.len) {
		/* A complete request: answer it. */
		zcit_text_out_reset(&conn->text_out);
		while ((ret = zcit_text_next(conn->text_in.buf,
					     conn->text_in.len, &pos, &kv)) > 0) {
			if (!strcmp(kv.key, "SendTargets"))
				ret = zcit_sendtargets(conn, kv.val,
						       &conn->text_out);
			else
				ret = zcit_text_add(&conn->text_out, kv.key,
						    "NotUnderstood");
			if (ret)
				break;
		}
		zcit_text_in_reset(&conn->text_in);
		if (ret < 0 && ret != -ENOSPC)
			return zcit_conn_reject(conn,
						ISCSI_REASON_PROTOCOL_ERROR);
	}
	/* 11.11.2: the answer, in pieces the initiator collects by TTT. */
	n = zcit_text_out_chunk(&conn->text_out, conn->max_xmit_dsl, &data,
				&more);
	zcit_conn_sn(conn, &sn, true);
	zcit_build_text_rsp(&rsp, req, more, conn->text_ttt, n, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, data, n);
}

/* RFC 7143 11.5: Task Management Function Request. */
static int zcit_conn_tmf(struct zcit_conn *conn)
{
	struct iscsi_tm *req = (struct iscsi_tm *)conn->rx_hdr;
	struct iscsi_tm_rsp rsp;
	struct zcit_sn sn;
	u8 response;

	if (conn->sess->discovery)
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	if (!zcit_cmd_tmf(conn, req, &response)) {
		/* Poll for writes LIO aborts until it answers. */
		conn->tmr_pending++;
		mod_timer(&conn->tick_timer, jiffies + ZCIT_TICK_TMF);
		return 0;
	}
	zcit_conn_sn(conn, &sn, true);
	zcit_build_tm_rsp(&rsp, req->itt, response, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
}

/**
 * zcit_conn_tick_work() - the connection's timers
 * @conn: the connection, in its io work, in Full Feature Phase
 *
 * Once a second (more often while a TMF is under way): finish the data
 * phase of writes LIO has aborted, which it waits for; end a connection
 * whose write data stopped coming (dataout_timeout); ping an idle
 * initiator (RFC 7143 11.19: NOP-In with a TTT) and give up on one that
 * does not answer.
 *
 * Return: false to close the connection.
 */
bool zcit_conn_tick_work(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd, *tmp;
	struct iscsi_nopin ping;
	struct zcit_nacl *nacl;
	struct zcit_sn sn;
	u32 t, rt;

	list_for_each_entry_safe(cmd, tmp, &conn->rx_cmds, rx_node)
		if (test_bit(ZCIT_CMD_WP, &cmd->flags) && !cmd->rx_busy &&
		    (READ_ONCE(cmd->se_cmd.transport_state) & CMD_T_ABORTED))
			zcit_conn_cmd_execute(conn, cmd);
	if (!conn->sess->se_sess)
		return true;
	nacl = to_zcit_nacl(conn->sess->se_sess->se_node_acl);
	/*
	 * As iscsi_target_mod at ErrorRecoveryLevel 0: write data that stops
	 * coming for attrib/dataout_timeout seconds ends the connection.
	 */
	t = nacl->attrib[ZCIT_NA_DATAOUT_TIMEOUT];
	list_for_each_entry(cmd, &conn->rx_cmds, rx_node)
		if (t && test_bit(ZCIT_CMD_WP, &cmd->flags) &&
		    time_after(jiffies, cmd->rx_last + t * HZ)) {
			pr_info("%pISpc: no Data-Out for ITT 0x%08x in %u s: closing\n",
				&conn->peer,
				be32_to_cpu((__force __be32)cmd->itt), t);
			return false;
		}
	t = nacl->attrib[ZCIT_NA_NOPIN_TIMEOUT];
	rt = nacl->attrib[ZCIT_NA_NOPIN_RESPONSE_TIMEOUT];
	if (conn->ping_out) {
		if (rt && time_after(jiffies, conn->ping_sent + rt * HZ)) {
			pr_info("%pISpc: no answer to NOP-In for %u s: closing\n",
				&conn->peer, rt);
			return false;
		}
		return true;
	}
	if (!t || !time_after(jiffies, conn->last_rx + t * HZ))
		return true;
	if (++conn->ping_ttt == ISCSI_RESERVED_TAG)
		conn->ping_ttt = 1;
	zcit_conn_sn(conn, &sn, false);
	zcit_build_nopin_ping(&ping, conn->ping_ttt, &sn);
	if (zcit_conn_queue_pdu(conn, &ping, NULL, 0))
		return true;
	conn->ping_out = true;
	conn->ping_sent = jiffies;
	return true;
}

/**
 * zcit_conn_ask_logout() - ask the initiator to log out
 * @conn: the connection, in its io work, in Full Feature Phase
 *
 * RFC 7143 11.9.1: an Asynchronous Message, AsyncEvent 1, giving it
 * ZCIT_ASYNC_LOGOUT_WAIT seconds.
 */
void zcit_conn_ask_logout(struct zcit_conn *conn)
{
	struct iscsi_async msg;
	struct zcit_sn sn;

	if (conn->sess->discovery)
		return;
	zcit_conn_sn(conn, &sn, true);
	zcit_build_async_logout(&msg, ZCIT_ASYNC_LOGOUT_WAIT, &sn);
	zcit_conn_queue_pdu(conn, &msg, NULL, 0);
}

/**
 * zcit_conn_ffp_pdu() - handle a control PDU in Full Feature Phase
 * @conn: the connection, in its io work; the PDU is in rx_hdr and rx_data
 *
 * SCSI Command and Data-Out headers go to zcit_conn_scsi_cmd() and
 * zcit_conn_data_out() as soon as they are in; everything else comes here
 * with its data segment.
 *
 * Return: 0 or -errno (the connection is closed).
 */
int zcit_conn_ffp_pdu(struct zcit_conn *conn)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	bool drop = false;

	switch (hdr->opcode & ISCSI_OPCODE_MASK) {
	case ISCSI_OP_NOOP_OUT:
	case ISCSI_OP_SCSI_CMD:
	case ISCSI_OP_SCSI_TMFUNC:
	case ISCSI_OP_TEXT:
	case ISCSI_OP_LOGOUT:
		/*
		 * RFC 7143 4.2.2.1: CmdSN outside the window: drop silently.
		 * A command answered with a Reject still takes its CmdSN, or
		 * the initiator's window would close.
		 */
		zcit_sess_ack_cmdsn(conn->sess, hdr, &drop);
		if (drop)
			return 0;
		break;
	default:
		break;
	}

	switch (hdr->opcode & ISCSI_OPCODE_MASK) {
	case ISCSI_OP_NOOP_OUT:
		return zcit_conn_nop_out(conn);
	case ISCSI_OP_LOGOUT:
		return zcit_conn_logout(conn);
	case ISCSI_OP_TEXT:
		return zcit_conn_text(conn);
	case ISCSI_OP_SCSI_TMFUNC:
		return zcit_conn_tmf(conn);
	case ISCSI_OP_LOGIN:
		/* RFC 7143 11.12: a Login in Full Feature Phase. */
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	default:
		return zcit_conn_reject(conn, ISCSI_REASON_CMD_NOT_SUPPORTED);
	}
}
