// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol actions: what a connection does with each PDU, from the
 * login phase (RFC 7143 6) to Full Feature Phase (RFC 7143 10-11).
 *
 * The transport hands these handlers a PDU whose header, or whole PDU for
 * control PDUs, is in; they check it, pass logins to the login engine,
 * SCSI commands and task management to LIO (cmd.c), queue answers, and
 * say in a &struct zcit_rx_act what the transport does next: go on,
 * receive the data into a command's pages, skip it, Reject, or end the
 * connection.  All of it runs in the connection's io work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <scsi/scsi_proto.h>
#include <zcit/compat.h>
#include <zcit/session.h>
#include <zcit/ffp.h>
#include <zcit/limits.h>
#include <zcit/trace.h>

static void zcit_ffp_fail(struct zcit_rx_act *act, enum zcit_conn_why why)
{
	act->verdict = ZCIT_RX_FAIL;
	act->why = why;
}

static void zcit_ffp_rej(struct zcit_rx_act *act, u8 reason)
{
	act->verdict = ZCIT_RX_REJECT;
	act->reason = reason;
}

/* An answer was queued (0) or could not be (-ENOMEM). */
static void zcit_ffp_queued(struct zcit_rx_act *act, int ret)
{
	if (ret)
		zcit_ffp_fail(act, ZCIT_WHY_NOMEM);
}

/* &zcit_conn_ops.reject: a Reject carrying the header in rx_hdr. */
static int zcit_ffp_reject(struct zcit_conn *conn, u8 reason)
{
	struct iscsi_reject rej;
	struct zcit_sn sn;

	if (!conn->sess)
		return 0;	/* RFC 7143 11.17: Full Feature Phase only */
	zcit_stat_reject(conn, reason);
	trace_zcit_reject(conn, reason);
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_reject(&rej, reason, &sn);
	return zcit_conn_queue_pdu(conn, &rej, conn->rx_hdr, ZCIT_BHS_LEN);
}

/* &zcit_conn_ops.start: a new connection logs in first. */
static int zcit_ffp_start(struct zcit_conn *conn)
{
	conn->login = kmalloc(sizeof(*conn->login), GFP_KERNEL);
	if (!conn->login)
		return -ENOMEM;
	if (zcit_login_init(conn->login, &zcit_login_ops, conn)) {
		kfree(conn->login);
		conn->login = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Leave the login phase for Full Feature Phase (RFC 7143 6.3.6). */
static void zcit_ffp_login_done(struct zcit_conn *conn)
{
	struct zcit_login *l = conn->login;
	const struct zcit_sess_params *p = &l->nego.res, *s;

	/* Discovery needs no authentication: rate-limited. */
	if (l->discovery) {
		zcit_hit(ZCIT_HIT_DISC_LOGIN, &conn->peer, " (%s), TSIH %u",
			 l->initiator_name, l->tsih);
	} else {
		zcit_tiqn_count(conn->tpg->tiqn, ZCIT_TS_ACCEPTS);
		pr_info_ratelimited("normal login from %pISpc (%s) to %s, TSIH %u\n",
				    &conn->peer, l->initiator_name,
				    l->target_name, l->tsih);
	}
	conn->statsn = l->statsn;
	conn->max_recv_dsl = p->max_recv_dsl;
	conn->max_xmit_dsl = p->max_xmit_dsl;
	conn->hdr_digest = p->header_digest;
	conn->data_digest = p->data_digest;
	/*
	 * RFC 7143 13.10-13.17: the data-transfer keys are leading-only: a
	 * connection joining a session works with the leading login's values
	 * (its own login only had the defaults).
	 */
	s = &conn->sess->params;
	conn->xp.initial_r2t = s->initial_r2t;
	conn->xp.immediate_data = s->immediate_data;
	conn->xp.first_burst = s->first_burst;
	conn->xp.max_burst = s->max_burst;
	conn->xp.max_r2t = min_t(u32, s->max_r2t, ZCIT_MAX_R2T);
	conn->max_burst = s->max_burst;
	zcit_login_free(l);
	kfree(l);
	conn->login = NULL;
	zcit_conn_enter_ffp(conn);
	pr_debug("%pISpc: Full Feature Phase, CID %u\n", &conn->peer,
		 conn->cid);
}

/*
 * A login was refused: one log line, rate-limited (zcit_hit()), with the
 * initiator, its address, the target and the reason; counted for the
 * target when one of ours was found (zcit_resolve() counted the ones it
 * refused itself).  Refusals that found no target have a class (and a
 * tighter rate limit) of their own: anyone can make them.
 */
static void zcit_ffp_login_refused(struct zcit_conn *conn,
				   const struct iscsi_login_rsp *rsp)
{
	struct zcit_login *l = conn->login;
	u16 status = ZCIT_LS(rsp->status_class, rsp->status_detail);
	bool ours = conn->tpg || status == ZCIT_LS_FORBIDDEN ||
		    status == ZCIT_LS_UNAVAILABLE;

	if (conn->tpg)
		zcit_stat_login_fail(conn->tpg->tiqn, status, l->initiator_name,
				     &conn->peer);
	zcit_hit(ours ? ZCIT_HIT_LOGIN_FAILED : ZCIT_HIT_LOGIN_REFUSED,
		 &conn->peer, ": %s to %s: %s (status 0x%04x)",
		 l->initiator_name[0] ? l->initiator_name : "(no InitiatorName)",
		 l->discovery ? "discovery" : l->target_name[0] ?
		 l->target_name : "(no TargetName)",
		 zcit_login_status_text(status), status);
}

/* A Login request, whole (RFC 7143 11.12). */
static void zcit_ffp_login_pdu(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	struct iscsi_login_rsp rsp;
	enum zcit_login_result res;
	const void *rdata;

	/* RFC 7143 6.3: nothing but Login requests before the end of login. */
	if ((hdr->opcode & ISCSI_OPCODE_MASK) != ISCSI_OP_LOGIN ||
	    conn->rx_lens.ahs) {
		pr_debug("%pISpc: opcode 0x%02x during login\n", &conn->peer,
			 hdr->opcode);
		zcit_ffp_fail(act, ZCIT_WHY_BAD_PDU);
		return;
	}
	res = zcit_login_rx(conn->login, (struct iscsi_login_req *)hdr,
			    conn->rx_data, conn->rx_lens.data, &rsp, &rdata);
	if (zcit_conn_queue_pdu(conn, &rsp, rdata, ntoh24(rsp.dlength))) {
		zcit_ffp_fail(act, ZCIT_WHY_NOMEM);
		return;
	}
	if (res != ZCIT_LOGIN_REPLY)
		trace_zcit_login(conn, conn->login, &rsp);
	if (res == ZCIT_LOGIN_FAIL) {
		zcit_ffp_login_refused(conn, &rsp);
		zcit_ffp_fail(act, ZCIT_WHY_LOGIN_REFUSED);
	} else if (res == ZCIT_LOGIN_DONE) {
		zcit_ffp_login_done(conn);
	}
}

/* SAM-5 5.3: no room for one more task. */
static void zcit_ffp_busy(struct zcit_conn *conn, itt_t itt)
{
	struct zcit_status st = { .status = SAM_STAT_TASK_SET_FULL };
	struct iscsi_scsi_rsp rsp;
	struct zcit_sn sn;

	zcit_ffp_sn(conn, &sn, true);
	zcit_build_scsi_rsp(&rsp, itt, &st, 0, 0, &sn);
	if (!zcit_conn_queue_pdu(conn, &rsp, NULL, 0))
		zcit_conn_count(conn, ZCIT_SS_RSP_PDUS, 1);
}

/*
 * Park the data-less PDU whose header is in until ExpCmdSN reaches its
 * @cmdsn; zcit_ffp_rx_next() takes it up again.
 */
static void zcit_ffp_park(struct zcit_conn *conn, u32 cmdsn,
			  struct zcit_rx_act *act)
{
	struct zcit_ooo *o;
	u32 len;

	list_for_each_entry(o, &conn->ooo, node)
		if (o->cmdsn == cmdsn)
			return;	/* The same CmdSN twice: the second is dropped. */
	if (conn->nr_ooo >= conn->sess->cmdsn_depth) {
		zcit_ffp_fail(act, ZCIT_WHY_PROTOCOL);
		return;
	}
	len = ZCIT_BHS_LEN + conn->rx_lens.ahs;
	o = kmalloc(struct_size(o, hdr, len), GFP_KERNEL);
	if (!o) {
		zcit_ffp_fail(act, ZCIT_WHY_NOMEM);
		return;
	}
	o->cmdsn = cmdsn;
	o->ahs = conn->rx_lens.ahs;
	memcpy(o->hdr, conn->rx_hdr, len);
	list_add_tail(&o->node, &conn->ooo);
	conn->nr_ooo++;
}

/*
 * RFC 7143 4.2.2.1: a command whose CmdSN is ahead of ExpCmdSN waits for
 * the ones before it.  One without data is parked (its header kept) and
 * reading goes on, since the missing commands may come on this very
 * connection.  One with data following waits in the receive state machine
 * for another connection of the session to fill the gap; alone on its
 * session, it never could: that is a protocol error.
 */
static void zcit_ffp_early_cmd(struct zcit_conn *conn, bool unsolicited,
			       struct zcit_rx_act *act)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	u32 cmdsn = be32_to_cpu(req->cmdsn);

	if (conn->rx_lens.data || unsolicited) {
		if (READ_ONCE(conn->sess->nr_conns) > 1) {
			act->verdict = ZCIT_RX_WAIT;
			return;
		}
		pr_warn_ratelimited("%pISpc: CmdSN %u ahead of the session, with data: closing\n",
				    &conn->peer, cmdsn);
		zcit_ffp_fail(act, ZCIT_WHY_PROTOCOL);
		return;
	}
	zcit_ffp_park(conn, cmdsn, act);
}

/*
 * RFC 7143 4.2.2.1 for the other commands (NOP-Out, Text, Task Management,
 * Logout): in order too.  One ahead of ExpCmdSN without data is parked
 * like a SCSI command; one with data (a NOP-Out or Text, whole already)
 * is refused with a Reject, and its CmdSN counts as received so that the
 * window does not stall on it.
 */
static void zcit_ffp_early_control(struct zcit_conn *conn, u32 cmdsn,
				   struct zcit_rx_act *act)
{
	if (!conn->rx_lens.data)
		return zcit_ffp_park(conn, cmdsn, act);
	pr_debug("%pISpc: CmdSN %u ahead of the session, with data: Reject\n",
		 &conn->peer, cmdsn);
	if (zcit_sess_skip_cmdsn(conn->sess, cmdsn))
		return zcit_ffp_fail(act, ZCIT_WHY_PROTOCOL);
	zcit_ffp_rej(act, ISCSI_REASON_PROTOCOL_ERROR);
}

/*
 * RFC 7143 11.3.1, 11.3.4, 4.2.5.2: what is wrong with a SCSI Command, as
 * a Reject reason, or 0; *@cdb and, for a write, *@x are set when nothing
 * is.
 */
static u8 zcit_ffp_cmd_check(struct zcit_conn *conn, bool w, bool r, u32 edtl,
			     struct zcit_xfer *x, u8 **cdb)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	u32 dlen = conn->rx_lens.data;

	if (w && r)
		return ISCSI_REASON_CMD_NOT_SUPPORTED;	/* bidirectional */
	if ((dlen && !w) || (!w && !r && edtl))
		return ISCSI_REASON_PROTOCOL_ERROR;
	if (w && zcit_xfer_init(x, &conn->xp, edtl, dlen,
				req->flags & ISCSI_FLAG_CMD_FINAL, 0))
		return ISCSI_REASON_PROTOCOL_ERROR;
	*cdb = zcit_pdu_cdb(conn->rx_hdr, conn->rx_lens.ahs);
	return *cdb ? 0 : ISCSI_REASON_PROTOCOL_ERROR;
}

/*
 * A SCSI Command whose header is in (RFC 7143 11.3): it waits for its
 * CmdSN, goes to LIO, and its immediate data, if any, to its buffers.
 */
static void zcit_ffp_scsi_cmd(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	bool immediate = req->opcode & ISCSI_OP_IMMEDIATE;
	u32 edtl = be32_to_cpu(req->data_length);
	/* 11.3.1: with an EDTL of 0, R and W mean nothing. */
	bool w = edtl && (req->flags & ISCSI_FLAG_CMD_WRITE);
	bool r = edtl && (req->flags & ISCSI_FLAG_CMD_READ);
	struct zcit_cmd *cmd;
	struct zcit_xfer x;
	u8 reason, *cdb;
	u32 len;
	int ret;

	if (conn->sess->discovery)	/* RFC 7143 4.3: Text and Logout only */
		return zcit_ffp_rej(act, ISCSI_REASON_PROTOCOL_ERROR);
	if (!immediate) {
		ret = zcit_sess_take_cmdsn(conn->sess, be32_to_cpu(req->cmdsn),
					   false);
		if (ret == -EAGAIN)
			return zcit_ffp_early_cmd(conn, w && !(req->flags &
						  ISCSI_FLAG_CMD_FINAL), act);
		if (ret) {
			/* RFC 7143 4.2.2.1: outside the window: dropped. */
			pr_debug("%pISpc: CmdSN %u outside the window\n",
				 &conn->peer, be32_to_cpu(req->cmdsn));
			act->verdict = ZCIT_RX_SKIP;
			return;
		}
	}
	reason = zcit_ffp_cmd_check(conn, w, r, edtl, &x, &cdb);
	ret = reason ? 0 : zcit_cmd_init(conn, req, &cmd);
	if (reason || ret == -EBUSY) {
		pr_debug("%pISpc: SCSI Command ITT 0x%08x refused (0x%02x)\n",
			 &conn->peer, be32_to_cpu((__force __be32)req->itt),
			 reason);
		if (!immediate)
			zcit_sess_window_open(conn->sess);
		if (reason)
			return zcit_ffp_rej(act, reason);
		zcit_ffp_busy(conn, req->itt);
		act->verdict = ZCIT_RX_SKIP;
		return;
	}
	if (ret)
		return zcit_ffp_fail(act, ZCIT_WHY_CLOSED);
	if (w) {
		cmd->xfer = x;
		/* RFC 7143 11.8.4: any TTT but 0xffffffff; tags are < 2^16 - 1. */
		cmd->xfer.ttt_base = (cmd->se_cmd.map_tag + 1) << 16;
		set_bit(ZCIT_CMD_RX, &cmd->flags);
		list_add_tail(&cmd->rx_node, &conn->rx_cmds);
	}
	len = zcit_cmd_start(cmd, cdb);
	if (w)
		zcit_xfer_limit(&cmd->xfer, len);
	if (conn->rx_lens.data)
		zcit_ffp_rx_into(conn, cmd, 0, conn->rx_lens.data, act);
}

static struct zcit_cmd *zcit_ffp_find_write(struct zcit_conn *conn, itt_t itt)
{
	struct zcit_cmd *cmd;

	list_for_each_entry(cmd, &conn->rx_cmds, rx_node)
		if (cmd->itt == itt)
			return cmd;
	return NULL;
}

/* A SCSI Data-Out whose header is in (RFC 7143 11.7). */
static void zcit_ffp_data_out(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct iscsi_data *d = (struct iscsi_data *)conn->rx_hdr;
	u32 dlen = conn->rx_lens.data, offset = be32_to_cpu(d->offset);
	struct zcit_cmd *cmd;

	cmd = zcit_ffp_find_write(conn, d->itt);
	if (!cmd) {
		/*
		 * A task already answered (its data is of no use), or no task
		 * at all: the data is dropped, as iscsi_target_mod does.
		 */
		pr_debug("%pISpc: Data-Out for unknown ITT 0x%08x dropped\n",
			 &conn->peer, be32_to_cpu((__force __be32)d->itt));
		act->verdict = ZCIT_RX_SKIP;
		return;
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
		zcit_ffp_fail(act, ZCIT_WHY_PROTOCOL);
		return;
	}
	cmd->rx_last = jiffies;
	zcit_ffp_rx_into(conn, cmd, offset, dlen, act);
}

/* RFC 7143 11.18-11.19: NOP-Out. */
static int zcit_ffp_nop_out(struct zcit_conn *conn)
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
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_nopin(&rsp, req, dlen, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, conn->rx_data, dlen);
}

/* RFC 7143 11.14-11.15: Logout. */
static void zcit_ffp_logout(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct iscsi_logout *req = (struct iscsi_logout *)conn->rx_hdr;
	u8 reason = req->flags & ISCSI_FLAG_LOGOUT_REASON_MASK;
	struct iscsi_logout_rsp rsp;
	u8 response = ISCSI_LOGOUT_SUCCESS;
	struct zcit_sn sn;

	/* RFC 4544 iscsiTgtLogoutNormals/Abnormals: every request counts. */
	if (conn->sess->tpg)
		zcit_tiqn_count(conn->sess->tpg->tiqn,
				reason == ISCSI_LOGOUT_REASON_CLOSE_SESSION ?
				ZCIT_TS_NORMAL_LOGOUTS :
				ZCIT_TS_ABNORMAL_LOGOUTS);
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
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_logout_rsp(&rsp, req, response, &sn);
	if (zcit_conn_queue_pdu(conn, &rsp, NULL, 0))
		return zcit_ffp_fail(act, ZCIT_WHY_NOMEM);
	if (response != ISCSI_LOGOUT_SUCCESS)
		return;
	pr_debug("%pISpc: logout (reason %u)\n", &conn->peer, reason);
	zcit_ffp_fail(act, ZCIT_WHY_LOGOUT);
	if (reason == ISCSI_LOGOUT_REASON_CLOSE_SESSION)
		zcit_sess_close(conn->sess, conn);
}

static void zcit_ffp_next_ttt(struct zcit_conn *conn)
{
	if (++conn->text_ttt == ISCSI_RESERVED_TAG)
		conn->text_ttt = 0;
}

/* A complete Text request: answer each key. */
static int zcit_ffp_text_answer(struct zcit_conn *conn)
{
	struct zcit_kv kv;
	u32 pos = 0;
	int ret;

	zcit_text_out_reset(&conn->text_out);
	while ((ret = zcit_text_next(conn->text_in.buf, conn->text_in.len,
				     &pos, &kv)) > 0) {
		if (!strcmp(kv.key, "SendTargets"))
			ret = zcit_sendtargets(conn, kv.val, &conn->text_out);
		else
			ret = zcit_text_add(&conn->text_out, kv.key,
					    "NotUnderstood");
		if (ret)
			break;
	}
	zcit_text_in_reset(&conn->text_in);
	return ret < 0 && ret != -ENOSPC ? ret : 0;
}

/* RFC 7143 11.10-11.11: Text, which zcit uses for SendTargets only. */
static void zcit_ffp_text(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct iscsi_text *req = (struct iscsi_text *)conn->rx_hdr;
	u32 ttt = be32_to_cpu(req->ttt);
	struct iscsi_text_rsp rsp;
	struct zcit_sn sn;
	const char *data;
	bool more;
	u32 n;

	/* Buffers only for connections that use Text (discovery, mostly). */
	if (!conn->text_in.buf &&
	    (zcit_text_in_init(&conn->text_in, ZCIT_TEXT_TOTAL_MAX) ||
	     zcit_text_out_init(&conn->text_out, ZCIT_TEXT_TOTAL_MAX)))
		return zcit_ffp_fail(act, ZCIT_WHY_NOMEM);
	if (ttt == ISCSI_RESERVED_TAG) {
		/* 11.10.4: a new request; whatever was under way is over. */
		zcit_text_in_reset(&conn->text_in);
		zcit_text_out_reset(&conn->text_out);
		zcit_ffp_next_ttt(conn);
	} else if (ttt != conn->text_ttt) {
		return zcit_ffp_rej(act, ISCSI_REASON_PROTOCOL_ERROR);
	}
	if (zcit_text_in_append(&conn->text_in, conn->rx_data,
				conn->rx_lens.data)) {
		zcit_text_in_reset(&conn->text_in);
		return zcit_ffp_rej(act, ISCSI_REASON_PROTOCOL_ERROR);
	}
	if (req->flags & ISCSI_FLAG_TEXT_CONTINUE) {
		/*
		 * 11.10.2: more of the request follows; acknowledge with an
		 * empty response, F and C clear, whose TTT the next piece
		 * carries.
		 */
		zcit_ffp_sn(conn, &sn, true);
		zcit_build_text_rsp(&rsp, req, false, 0, 0, &sn);
		rsp.flags = 0;
		rsp.ttt = cpu_to_be32(conn->text_ttt);
		return zcit_ffp_queued(act, zcit_conn_queue_pdu(conn, &rsp,
								NULL, 0));
	}
	if (conn->text_in.len && zcit_ffp_text_answer(conn))
		return zcit_ffp_rej(act, ISCSI_REASON_PROTOCOL_ERROR);
	/* 11.11.2: the answer, in pieces the initiator collects by TTT. */
	n = zcit_text_out_chunk(&conn->text_out, conn->max_xmit_dsl, &data,
				&more);
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_text_rsp(&rsp, req, more, conn->text_ttt, n, &sn);
	zcit_ffp_queued(act, zcit_conn_queue_pdu(conn, &rsp, data, n));
	if (!more) {
		/* Answered (and copied): no buffers held between requests. */
		zcit_text_in_free(&conn->text_in);
		zcit_text_out_free(&conn->text_out);
	}
}

/* RFC 7143 11.5: Task Management Function Request. */
static void zcit_ffp_tmf(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct iscsi_tm *req = (struct iscsi_tm *)conn->rx_hdr;
	struct iscsi_tm_rsp rsp;
	struct zcit_sn sn;
	u8 response;

	if (conn->sess->discovery)
		return zcit_ffp_rej(act, ISCSI_REASON_PROTOCOL_ERROR);
	trace_zcit_tmf_req(conn, req);
	if (!zcit_cmd_tmf(conn, req, &response)) {
		/* Poll for writes LIO aborts until it answers. */
		conn->tmr_pending++;
		zcit_conn_arm_tick(conn, ZCIT_TICK_TMF);
		return;
	}
	trace_zcit_tmf_rsp(conn, req->itt, req->flags & ISCSI_FLAG_TM_FUNC_MASK,
			   response);
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_tm_rsp(&rsp, req->itt, response, &sn);
	zcit_ffp_queued(act, zcit_conn_queue_pdu(conn, &rsp, NULL, 0));
}

/* A control PDU in Full Feature Phase, whole. */
static void zcit_ffp_control(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	u8 op = hdr->opcode & ISCSI_OPCODE_MASK;
	u32 cmdsn = be32_to_cpu(hdr->statsn);	/* CmdSN sits there */
	int ret;

	act->verdict = ZCIT_RX_NEXT;
	if ((op == ISCSI_OP_NOOP_OUT || op == ISCSI_OP_SCSI_TMFUNC ||
	     op == ISCSI_OP_TEXT || op == ISCSI_OP_LOGOUT) &&
	    !(hdr->opcode & ISCSI_OP_IMMEDIATE)) {
		/*
		 * RFC 7143 4.2.2.1: CmdSN outside the window: drop silently.
		 * A command answered with a Reject still takes its CmdSN, or
		 * the initiator's window would close.
		 */
		ret = zcit_sess_take_cmdsn(conn->sess, cmdsn, true);
		if (ret == -EAGAIN)
			return zcit_ffp_early_control(conn, cmdsn, act);
		if (ret)
			return;
	}
	switch (op) {
	case ISCSI_OP_NOOP_OUT:
		return zcit_ffp_queued(act, zcit_ffp_nop_out(conn));
	case ISCSI_OP_LOGOUT:
		return zcit_ffp_logout(conn, act);
	case ISCSI_OP_TEXT:
		return zcit_ffp_text(conn, act);
	case ISCSI_OP_SCSI_TMFUNC:
		return zcit_ffp_tmf(conn, act);
	case ISCSI_OP_LOGIN:
		/* RFC 7143 11.12: a Login in Full Feature Phase. */
		return zcit_ffp_rej(act, ISCSI_REASON_PROTOCOL_ERROR);
	default:
		return zcit_ffp_rej(act, ISCSI_REASON_CMD_NOT_SUPPORTED);
	}
}

/* &zcit_conn_ops.rx_hdr: commands and write data go on at once. */
static void zcit_ffp_rx_hdr(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	act->verdict = ZCIT_RX_DATA;
	if (zcit_conn_state(conn) != ZCIT_CONN_FFP)
		return;
	switch (conn->rx_hdr[0] & ISCSI_OPCODE_MASK) {
	case ISCSI_OP_SCSI_CMD:
		act->verdict = ZCIT_RX_NEXT;
		zcit_conn_count(conn, ZCIT_SS_CMD_PDUS, 1);
		return zcit_ffp_scsi_cmd(conn, act);
	case ISCSI_OP_SCSI_DATA_OUT:
		return zcit_ffp_data_out(conn, act);
	default:
		return;
	}
}

/* &zcit_conn_ops.rx_pdu: a whole control PDU. */
static void zcit_ffp_rx_pdu(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	act->verdict = ZCIT_RX_NEXT;
	if (zcit_conn_state(conn) == ZCIT_CONN_LOGIN)
		return zcit_ffp_login_pdu(conn, act);
	zcit_ffp_control(conn, act);
}

/* &zcit_conn_ops.rx_next: a parked command whose turn has come. */
static bool zcit_ffp_rx_next(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	struct zcit_sess *sess = conn->sess;
	struct zcit_ooo *o;
	u32 exp;

	if (!conn->nr_ooo)
		return false;
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
		act->verdict = ZCIT_RX_NEXT;
		if ((conn->rx_hdr[0] & ISCSI_OPCODE_MASK) == ISCSI_OP_SCSI_CMD)
			zcit_ffp_scsi_cmd(conn, act);
		else
			zcit_ffp_control(conn, act);
		return true;
	}
	return false;
}

/* &zcit_conn_ops.rx_wait: buffers for write data, or a CmdSN's turn. */
static void zcit_ffp_rx_wait(struct zcit_conn *conn, struct zcit_rx_act *act)
{
	if (conn->rx_cmd)
		return zcit_ffp_rx_buffers(conn, act);
	act->verdict = ZCIT_RX_NEXT;
	zcit_ffp_scsi_cmd(conn, act);
}

/*
 * &zcit_conn_ops.tick: once a second (more often while a TMF is under
 * way): finish the data phase of writes LIO has aborted, which it waits
 * for; end a connection whose write data stopped coming (dataout_timeout,
 * as iscsi_target_mod at ErrorRecoveryLevel 0); ping an idle initiator
 * (RFC 7143 11.19: NOP-In with a TTT) and give up on one that does not
 * answer.
 */
static bool zcit_ffp_tick(struct zcit_conn *conn, enum zcit_conn_why *why)
{
	struct zcit_sess_timeouts t;
	struct iscsi_nopin ping;
	struct zcit_cmd *cmd;
	struct zcit_sn sn;

	zcit_ffp_abort_poll(conn);
	zcit_conn_arm_tick(conn, conn->tmr_pending ? ZCIT_TICK_TMF : ZCIT_TICK);
	if (!zcit_sess_timeouts(conn->sess, &t))
		return true;
	list_for_each_entry(cmd, &conn->rx_cmds, rx_node)
		if (t.dataout && test_bit(ZCIT_CMD_WP, &cmd->flags) &&
		    time_after(jiffies, cmd->rx_last + t.dataout * HZ)) {
			pr_info_ratelimited("%pISpc: no Data-Out for ITT 0x%08x in %u s: closing\n",
					    &conn->peer,
					    be32_to_cpu((__force __be32)cmd->itt),
					    t.dataout);
			trace_zcit_timeout(conn, ZCIT_TO_DATAOUT,
					   jiffies_to_msecs(jiffies - cmd->rx_last),
					   be32_to_cpu((__force __be32)cmd->itt));
			*why = ZCIT_WHY_DATAOUT_TIMEOUT;
			return false;
		}
	if (conn->ping_out) {
		if (t.nopin_response &&
		    time_after(jiffies, conn->ping_sent + t.nopin_response * HZ)) {
			pr_info_ratelimited("%pISpc: no answer to NOP-In for %u s: closing\n",
					    &conn->peer, t.nopin_response);
			trace_zcit_timeout(conn, ZCIT_TO_NOPIN,
					   jiffies_to_msecs(jiffies - conn->ping_sent),
					   ISCSI_RESERVED_TAG);
			*why = ZCIT_WHY_NOPIN_TIMEOUT;
			return false;
		}
		return true;
	}
	if (!t.nopin || !time_after(jiffies, conn->last_rx + t.nopin * HZ))
		return true;
	/*
	 * Not a counter: only a peer that reads the ping may answer it (a
	 * peer that reads nothing must not be able to look alive).
	 */
	do
		conn->ping_ttt = get_random_u32();
	while (conn->ping_ttt == ISCSI_RESERVED_TAG);
	zcit_ffp_sn(conn, &sn, false);
	zcit_build_nopin_ping(&ping, conn->ping_ttt, &sn);
	if (!zcit_conn_queue_pdu(conn, &ping, NULL, 0)) {
		conn->ping_out = true;
		conn->ping_sent = jiffies;
	}
	return true;
}

/*
 * &zcit_conn_ops.ask_logout: RFC 7143 11.9.1, an Asynchronous Message,
 * AsyncEvent 1, giving the initiator ZCIT_ASYNC_LOGOUT_WAIT seconds.
 */
static void zcit_ffp_ask_logout(struct zcit_conn *conn)
{
	struct iscsi_async msg;
	struct zcit_sn sn;

	if (conn->sess->discovery)
		return;
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_async_logout(&msg, ZCIT_ASYNC_LOGOUT_WAIT, &sn);
	trace_zcit_async(conn, &msg);
	zcit_conn_queue_pdu(conn, &msg, NULL, 0);
}

/*
 * &zcit_conn_ops.drop_notice: RFC 7143 11.9.1: a target that drops a
 * connection (an initiator asked to log out did not in time, or the target
 * could not ask) says so first, with AsyncEvent 3 (the session's only
 * connection) or 2 (one of several) and the session's DefaultTime2Wait and
 * DefaultTime2Retain: open-iscsi waits Time2Wait before it reconnects.
 */
static void zcit_ffp_drop_notice(struct zcit_conn *conn)
{
	struct zcit_sess *sess = conn->sess;
	struct iscsi_async msg;
	struct zcit_sn sn;
	bool all;

	if (!sess || sess->discovery)
		return;
	spin_lock_bh(&sess->lock);
	all = sess->nr_conns <= 1;
	spin_unlock_bh(&sess->lock);
	zcit_ffp_sn(conn, &sn, true);
	zcit_build_async_drop(&msg, all, conn->cid,
			      min_t(u32, sess->params.time2wait, U16_MAX),
			      min_t(u32, sess->params.time2retain, U16_MAX),
			      &sn);
	if (!zcit_conn_send_last(conn, &msg))
		trace_zcit_async(conn, &msg);
}

const struct zcit_conn_ops zcit_ffp_ops = {
	.start = zcit_ffp_start,
	.rx_next = zcit_ffp_rx_next,
	.rx_hdr = zcit_ffp_rx_hdr,
	.rx_pdu = zcit_ffp_rx_pdu,
	.rx_wait = zcit_ffp_rx_wait,
	.rx_done = zcit_ffp_rx_done,
	.reject = zcit_ffp_reject,
	.take = zcit_ffp_take,
	.tx_build = zcit_ffp_tx_build,
	.tx_done = zcit_ffp_tx_done,
	.tx_more = zcit_ffp_tx_more,
	.tick = zcit_ffp_tick,
	.ending = zcit_stat_conn_end,
	.ask_logout = zcit_ffp_ask_logout,
	.drop_notice = zcit_ffp_drop_notice,
	.drain = zcit_ffp_drain,
	.release = zcit_ffp_release,
};
