// SPDX-License-Identifier: GPL-2.0
/*
 * zcit LIO glue: SCSI commands and task management requests.
 *
 * A command comes from its session's tag pool (LIO's sess_cmd_map and
 * sbitmap), so that a session's memory is bounded by its CmdSN depth.  It
 * is submitted with the split API (target_init_cmd(), target_submit_prep(),
 * target_submit()) from the connection's io work, with an acknowledgment
 * reference (TARGET_SCF_ACK_KREF) that the io work drops once the last
 * PDU of the command has been handed to TCP.  A command holds a reference
 * on its connection.  LIO's callbacks only post the command to an inbox
 * of its connection (zcit_conn_post()), which kicks the io work; that
 * does all the sending (ffp_cmd.c).  Every call into LIO core for a
 * command is in this file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sbitmap.h>
#include <scsi/scsi_proto.h>
#include <target/target_core_base.h>
#include <target/target_core_fabric.h>
#include <target/target_core_backend.h>
#include <zcit/conn.h>
#include <zcit/session.h>
#include <zcit/cmd.h>
#include <zcit/limits.h>
#include <zcit/trace.h>

/* Tags beyond the CmdSN window: immediate commands and TMF requests. */
#define ZCIT_EXTRA_TAGS		32

/**
 * zcit_sess_tags() - how many commands a session may have at once
 * @cmdsn_depth: its CmdSN window
 *
 * Return: the size of its tag pool.
 */
u32 zcit_sess_tags(u32 cmdsn_depth)
{
	return cmdsn_depth + ZCIT_EXTRA_TAGS;
}

static struct zcit_cmd *zcit_cmd_alloc(struct zcit_conn *conn)
{
	struct se_session *se_sess = conn->sess->se_sess;
	struct zcit_cmd *cmd;
	unsigned int cpu;
	int tag;

	tag = sbitmap_queue_get(&se_sess->sess_tag_pool, &cpu);
	if (tag < 0)
		return NULL;
	cmd = &((struct zcit_cmd *)se_sess->sess_cmd_map)[tag];
	memset(cmd, 0, sizeof(*cmd));
	cmd->se_cmd.map_tag = tag;
	cmd->se_cmd.map_cpu = cpu;
	cmd->conn = conn;
	cmd->born = jiffies;
	INIT_LIST_HEAD(&cmd->rx_node);
	INIT_LIST_HEAD(&cmd->tx_node);
	zcit_conn_get(conn);
	return cmd;
}

/* A command LIO never took. */
static void zcit_cmd_unused(struct zcit_cmd *cmd)
{
	struct zcit_conn *conn = cmd->conn;

	target_free_tag(conn->sess->se_sess, &cmd->se_cmd);
	zcit_conn_put(conn);
}

/* Commands named in one zcit_cmd_report_held() line at most. */
#define ZCIT_HELD_SHOWN	4

struct zcit_held {
	const struct zcit_conn *conn;
	struct zcit_cmd *map;
	unsigned int n;
	char text[ZCIT_HELD_SHOWN * 40 + 8];
	size_t len;
};

static bool zcit_cmd_held_one(struct sbitmap *sb, unsigned int tag, void *data)
{
	struct zcit_held *h = data;
	const struct zcit_cmd *cmd = &h->map[tag];
	u32 itt = be32_to_cpu((__force __be32)READ_ONCE(cmd->itt));

	if (READ_ONCE(cmd->conn) != h->conn)
		return true;
	if (h->n++ == ZCIT_HELD_SHOWN)
		h->len += scnprintf(h->text + h->len, sizeof(h->text) - h->len,
				    " ...");
	else if (h->n <= ZCIT_HELD_SHOWN)
		h->len += scnprintf(h->text + h->len, sizeof(h->text) - h->len,
				    "%s ITT 0x%08x (%s 0x%02x, %u s)",
				    h->n > 1 ? "," : "", itt,
				    READ_ONCE(cmd->tmf) ? "TMF" : "CDB",
				    READ_ONCE(cmd->tmf) ?: READ_ONCE(cmd->opcode),
				    jiffies_to_msecs(jiffies -
						     READ_ONCE(cmd->born)) / 1000);
	return true;
}

/**
 * zcit_cmd_report_held() - log the commands of a connection that LIO core
 *	has not released
 * @conn: the connection, kept by a reference, so that its session stays
 * @who: the TPG or target, for the log line
 *
 * For a teardown that waits for a slow backend: the connection is closed,
 * takes no new work, and is freed when LIO core releases its last
 * command.  The commands are found in the session's tag pool (each tag is
 * a &struct zcit_cmd of LIO's sess_cmd_map); atomic context is fine.
 *
 * Return: how many commands it holds.
 */
unsigned int zcit_cmd_report_held(struct zcit_conn *conn, const char *who)
{
	struct zcit_sess *sess = READ_ONCE(conn->sess);
	struct se_session *se_sess = sess ? sess->se_sess : NULL;
	struct zcit_held h = { .conn = conn };

	if (!se_sess || !se_sess->sess_cmd_map)
		return 0;
	h.map = se_sess->sess_cmd_map;
	sbitmap_for_each_set(&se_sess->sess_tag_pool.sb, zcit_cmd_held_one, &h);
	if (h.n)
		pr_warn("%s: %pISpc closed; waiting for LIO core to release %u command%s:%s\n",
			who, &conn->peer, h.n, h.n > 1 ? "s" : "", h.text);
	return h.n;
}

static int zcit_task_attr(u8 flags)
{
	switch (flags & ISCSI_FLAG_CMD_ATTR_MASK) {
	case ISCSI_ATTR_ORDERED:
		return TCM_ORDERED_TAG;
	case ISCSI_ATTR_HEAD_OF_QUEUE:
		return TCM_HEAD_TAG;
	case ISCSI_ATTR_ACA:
		return TCM_ACA_TAG;
	default:
		/* Untagged and simple (RFC 7143 11.3.1.2). */
		return TCM_SIMPLE_TAG;
	}
}

/**
 * zcit_cmd_init() - a SCSI Command for LIO core, before its CDB
 * @conn: the connection it came in on, in its io work
 * @req: the SCSI Command PDU
 * @out: set to the command
 *
 * Return: 0; -EBUSY when the session has no free tag; -ESHUTDOWN when the
 * session no longer takes commands.
 */
int zcit_cmd_init(struct zcit_conn *conn, const struct iscsi_scsi_req *req,
		  struct zcit_cmd **out)
{
	struct se_session *se_sess = conn->sess->se_sess;
	u32 edtl = be32_to_cpu(req->data_length);
	struct zcit_cmd *cmd;
	int flags = TARGET_SCF_ACK_KREF;
	int dir = DMA_NONE;
	int cpu;

	cmd = zcit_cmd_alloc(conn);
	if (!cmd)
		return -EBUSY;
	cmd->itt = req->itt;
	cmd->lun = req->lun;
	if (!(req->opcode & ISCSI_OP_IMMEDIATE))
		set_bit(ZCIT_CMD_WINDOW, &cmd->flags);
	/*
	 * RFC 7143 11.3.1: R and W may be set with an EDTL of 0; then no data
	 * moves, and LIO reports the CDB's length as a residual overflow.
	 */
	if (!edtl)
		dir = DMA_NONE;
	else if (req->flags & ISCSI_FLAG_CMD_WRITE)
		dir = DMA_TO_DEVICE;
	else if (req->flags & ISCSI_FLAG_CMD_READ)
		dir = DMA_FROM_DEVICE;
	cmd->se_cmd.tag = be32_to_cpu((__force __be32)req->itt);
	/*
	 * LIO completes the command on the CPU of the connection's io work,
	 * which sends the response (else on the CPU it was submitted from).
	 */
	cpu = READ_ONCE(conn->cpu);
	if (cpu != WORK_CPU_UNBOUND) {
		cmd->se_cmd.cpuid = cpu;
		flags |= TARGET_SCF_USE_CPUID;
	}
	if (target_init_cmd(&cmd->se_cmd, se_sess, cmd->sense,
			    scsilun_to_int(&cmd->lun), edtl,
			    zcit_task_attr(req->flags), dir, flags)) {
		clear_bit(ZCIT_CMD_WINDOW, &cmd->flags);
		zcit_cmd_unused(cmd);
		return -ESHUTDOWN;
	}
	/*
	 * LIO sizes a write's buffer from its CDB rather than from the EDTL
	 * (it would keep the whole EDTL as the buffer of a CDB that moves
	 * less); zcit_cmd_fit_write() then reconciles the two.
	 */
	cmd->se_cmd.unknown_data_length = dir == DMA_TO_DEVICE;
	*out = cmd;
	return 0;
}

/*
 * RFC 7143 11.4.5.1 and FCP-4 9.4.2 a): a write whose Expected Data Transfer
 * Length is not what its CDB transfers is processed normally, except that
 * no data beyond the smaller of the two is requested or written, and the
 * difference is reported as a residual.  LIO has sized the buffer from the
 * CDB (unknown_data_length), capped at max_data_sg_nents pages with an
 * underflow residual; here it shrinks to the EDTL when that is less (to
 * whole blocks for a READ/WRITE-type CDB).  LIO itself would refuse such
 * a data CDB and keep the whole EDTL as the buffer of any other CDB.
 *
 * Return: 0, or the sense reason to refuse the command with.
 */
static sense_reason_t zcit_cmd_fit_write(struct se_cmd *se_cmd, u32 edtl)
{
	u32 spdtl = se_cmd->data_length, len;

	if (se_cmd->se_cmd_flags & SCF_UNDERFLOW_BIT)
		spdtl += se_cmd->residual_count;
	if (spdtl == edtl)
		return 0;
	/* Their length is part of what they mean: no partial execution. */
	if ((se_cmd->se_cmd_flags & SCF_COMPARE_AND_WRITE) ||
	    se_cmd->prot_type != TARGET_DIF_TYPE0_PROT)
		return TCM_INVALID_FIELD_IN_COMMAND_IU;
	se_cmd->se_cmd_flags &= ~(SCF_UNDERFLOW_BIT | SCF_OVERFLOW_BIT);
	if (spdtl > edtl) {
		len = edtl;
		if (se_cmd->se_cmd_flags & SCF_SCSI_DATA_CDB)
			len = rounddown(len, se_cmd->se_dev->dev_attrib.block_size);
		se_cmd->data_length = min(se_cmd->data_length, len);
		se_cmd->se_cmd_flags |= SCF_OVERFLOW_BIT;
		se_cmd->residual_count = spdtl - edtl;
	} else {
		se_cmd->se_cmd_flags |= SCF_UNDERFLOW_BIT;
		se_cmd->residual_count = edtl - se_cmd->data_length;
	}
	return 0;
}

/**
 * zcit_cmd_start() - hand a SCSI Command to LIO core
 * @cmd: the command from zcit_cmd_init(); a write with data is on its
 *	connection's rx_cmds already
 * @cdb: the whole CDB (BHS plus extended CDB AHS)
 *
 * When LIO refuses the command it has already queued a response for it.
 * No command gets a buffer larger than zcit_limits.max_xfer: LIO caps the
 * ones it sizes from the CDB; the rest (pass-through) are refused. One
 * whose buffer would take its session's buffers over
 * zcit_limits.max_sess_bytes gets TASK SET FULL.
 *
 * Return: for a write, the bytes of data its buffer takes (at most its
 * EDTL; 0 when it was refused).
 */
u32 zcit_cmd_start(struct zcit_cmd *cmd, u8 *cdb)
{
	struct se_cmd *se_cmd = &cmd->se_cmd;
	u32 edtl = se_cmd->data_length;
	sense_reason_t reason = 0;

	WRITE_ONCE(cmd->opcode, cdb[0]);
	trace_zcit_cmd_start(cmd, cdb);
	if (trace_zcit_cmd_done_enabled())
		cmd->start_ns = ktime_get_ns();
	if (target_submit_prep(se_cmd, cdb, NULL, 0, NULL, 0, NULL, 0,
			       GFP_NOIO))
		return 0;	/* LIO has queued the failure status */
	if (se_cmd->data_direction == DMA_TO_DEVICE)
		reason = zcit_cmd_fit_write(se_cmd, edtl);
	if (!reason && se_cmd->data_length > zcit_limits.max_xfer)
		reason = TCM_INVALID_CDB_FIELD;
	if (!reason && se_cmd->data_length) {
		/* SAM-5 5.3: TASK SET FULL (LIO's TCM_OUT_OF_RESOURCES). */
		if (zcit_sess_buf_get(cmd->conn->sess, se_cmd->data_length)) {
			cmd->buf_bytes = se_cmd->data_length;
		} else {
			zcit_hit(ZCIT_HIT_SESS_BUF, &cmd->conn->peer,
				 " (%u KiB)", zcit_hit_limit(ZCIT_HIT_SESS_BUF));
			reason = TCM_OUT_OF_RESOURCES;
		}
	}
	pr_debug("ITT 0x%08llx: CDB 0x%02x, EDTL %u, buffer %u, dir %d: %d\n",
		 se_cmd->tag, cdb[0], edtl, se_cmd->data_length,
		 se_cmd->data_direction, reason);
	if (reason) {
		transport_generic_request_failure(se_cmd, reason);
		return 0;
	}
	edtl = se_cmd->data_direction == DMA_TO_DEVICE ? se_cmd->data_length : 0;
	target_submit(se_cmd);
	return edtl;
}

/**
 * zcit_cmd_execute() - the data phase of a write is over
 * @cmd: the write, off its connection's lists
 *
 * LIO runs it, or, if it was aborted meanwhile, finishes the abort
 * (target_execute_cmd() checks).
 */
void zcit_cmd_execute(struct zcit_cmd *cmd)
{
	target_execute_cmd(&cmd->se_cmd);
}

/**
 * zcit_cmd_abort_write() - a write whose data will never come
 * @cmd: the write, with its buffers, off its dead connection's lists
 *
 * As iscsi_target_mod: LIO completes what it started.
 */
void zcit_cmd_abort_write(struct zcit_cmd *cmd)
{
	target_complete_cmd(&cmd->se_cmd, SAM_STAT_TASK_ABORTED);
}

/**
 * zcit_cmd_aborted() - has LIO aborted a command (a TMF)?
 * @cmd: the command
 *
 * Return: true if so; a write waiting for data must then end its data
 * phase (zcit_cmd_execute()) for the abort to complete.
 */
bool zcit_cmd_aborted(const struct zcit_cmd *cmd)
{
	return READ_ONCE(cmd->se_cmd.transport_state) & CMD_T_ABORTED;
}

static int zcit_tmr_type(u8 function)
{
	switch (function) {
	case ISCSI_TM_FUNC_ABORT_TASK:
		return TMR_ABORT_TASK;
	case ISCSI_TM_FUNC_ABORT_TASK_SET:
		return TMR_ABORT_TASK_SET;
	case ISCSI_TM_FUNC_CLEAR_ACA:
		return TMR_CLEAR_ACA;
	case ISCSI_TM_FUNC_CLEAR_TASK_SET:
		return TMR_CLEAR_TASK_SET;
	case ISCSI_TM_FUNC_LOGICAL_UNIT_RESET:
		return TMR_LUN_RESET;
	case ISCSI_TM_FUNC_TARGET_WARM_RESET:
		return TMR_TARGET_WARM_RESET;
	case ISCSI_TM_FUNC_TARGET_COLD_RESET:
		return TMR_TARGET_COLD_RESET;
	default:
		return -1;
	}
}

/**
 * zcit_cmd_tmf() - hand a Task Management Function Request to LIO core
 * @conn: the connection it came in on, in its io work
 * @req: the request
 * @response: set to the ISCSI_TMF_RSP_* to answer at once when LIO is not
 *	asked
 *
 * RFC 7143 11.5.1: TASK REASSIGN needs ErrorRecoveryLevel 2; zcit runs at
 * 0 and answers "task allegiance reassignment not supported".
 *
 * Return: 0 when LIO took it (its answer comes through queue_tm_rsp), or
 * -EINVAL when *@response is to be sent.
 */
int zcit_cmd_tmf(struct zcit_conn *conn, const struct iscsi_tm *req,
		 u8 *response)
{
	u8 function = req->flags & ISCSI_FLAG_TM_FUNC_MASK;
	struct zcit_cmd *cmd;
	int type;

	if (function == ISCSI_TM_FUNC_TASK_REASSIGN) {
		*response = ISCSI_TMF_RSP_NO_FAILOVER;
		return -EINVAL;
	}
	type = zcit_tmr_type(function);
	*response = ISCSI_TMF_RSP_REJECTED;
	if (type < 0)
		return -EINVAL;
	cmd = zcit_cmd_alloc(conn);
	if (!cmd)
		return -EINVAL;
	cmd->itt = req->itt;
	cmd->lun = req->lun;
	cmd->tmf = function;
	cmd->cmdsn = be32_to_cpu(req->cmdsn);
	cmd->ref_cmdsn = be32_to_cpu(req->refcmdsn);
	spin_lock_bh(&conn->sess->lock);
	cmd->ref_unseen = zcit_sn_in_window(cmd->ref_cmdsn,
					    conn->sess->exp_cmdsn,
					    conn->sess->max_cmdsn);
	spin_unlock_bh(&conn->sess->lock);
	cmd->se_cmd.tag = be32_to_cpu((__force __be32)req->itt);
	if (target_submit_tmr(&cmd->se_cmd, conn->sess->se_sess, cmd->sense,
			      scsilun_to_int(&cmd->lun), cmd, type, GFP_NOIO,
			      be32_to_cpu((__force __be32)req->rtt),
			      TARGET_SCF_ACK_KREF)) {
		zcit_cmd_unused(cmd);
		return -EINVAL;
	}
	return 0;
}

/**
 * zcit_cmd_tmf_unseen() - an ABORT TASK of a task never received?
 * @cmd: the TMF request, answered by LIO
 *
 * RFC 7143 11.5.1: an ABORT TASK whose task is not found, whose RefCmdSN
 * was within the CmdSN window when the request came (the task was never
 * received) and older than the request's own CmdSN, is complete, and the
 * CmdSN counts as received.  A task answered already is "does not exist".
 *
 * Return: true if so.
 */
bool zcit_cmd_tmf_unseen(const struct zcit_cmd *cmd)
{
	return cmd->se_cmd.se_tmr_req->response == TMR_TASK_DOES_NOT_EXIST &&
	       cmd->tmf == ISCSI_TM_FUNC_ABORT_TASK && cmd->ref_unseen &&
	       zcit_sn_lt(cmd->ref_cmdsn, cmd->cmdsn);
}

/**
 * zcit_cmd_tmf_response() - the iSCSI answer to a TMF LIO has handled
 * @cmd: the TMF request
 *
 * Return: ISCSI_TMF_RSP_*.
 */
u8 zcit_cmd_tmf_response(struct zcit_cmd *cmd)
{
	u8 r = cmd->se_cmd.se_tmr_req->response;

	if (zcit_cmd_tmf_unseen(cmd))
		return ISCSI_TMF_RSP_COMPLETE;
	switch (r) {
	case TMR_FUNCTION_COMPLETE:
		return ISCSI_TMF_RSP_COMPLETE;
	case TMR_TASK_DOES_NOT_EXIST:
		return ISCSI_TMF_RSP_NO_TASK;
	case TMR_LUN_DOES_NOT_EXIST:
		return ISCSI_TMF_RSP_NO_LUN;
	case TMR_TASK_MGMT_FUNCTION_NOT_SUPPORTED:
		return ISCSI_TMF_RSP_NOT_SUPPORTED;
	default:
		return ISCSI_TMF_RSP_REJECTED;
	}
}

/**
 * zcit_cmd_status() - a command's status and residual (RFC 7143 11.4.5)
 * @cmd: the command
 * @st: filled in
 */
void zcit_cmd_status(const struct zcit_cmd *cmd, struct zcit_status *st)
{
	const struct se_cmd *se_cmd = &cmd->se_cmd;

	st->status = se_cmd->scsi_status;
	st->resid_flags = 0;
	st->resid = 0;
	if (se_cmd->se_cmd_flags & SCF_OVERFLOW_BIT)
		st->resid_flags = ISCSI_FLAG_CMD_OVERFLOW;
	else if (se_cmd->se_cmd_flags & SCF_UNDERFLOW_BIT)
		st->resid_flags = ISCSI_FLAG_CMD_UNDERFLOW;
	if (st->resid_flags)
		st->resid = se_cmd->residual_count;
}

/**
 * zcit_cmd_free() - the last PDU of a command is sent: let it go
 * @cmd: the command
 */
void zcit_cmd_free(struct zcit_cmd *cmd)
{
	transport_generic_free_cmd(&cmd->se_cmd, 0);
}

/* LIO has a response for @se_cmd: hand it to the connection. */
static void zcit_cmd_respond(struct se_cmd *se_cmd, enum zcit_cmd_tx rsp)
{
	struct zcit_cmd *cmd = to_zcit_cmd(se_cmd);

	cmd->rsp = rsp;
	pr_debug("ITT 0x%08llx: response %d, status 0x%02x, %u bytes\n",
		 se_cmd->tag, rsp, se_cmd->scsi_status, se_cmd->data_length);
	zcit_conn_post(cmd->conn, ZCIT_INBOX_RSP, &cmd->lnode);
}

/**
 * zcit_queue_data_in() - LIO: read data and status are ready
 * @se_cmd: the command
 *
 * Return: 0.
 */
int zcit_queue_data_in(struct se_cmd *se_cmd)
{
	zcit_cmd_respond(se_cmd, ZCIT_TX_DATA_IN);
	return 0;
}

/**
 * zcit_queue_status() - LIO: the status is ready
 * @se_cmd: the command
 *
 * Return: 0.
 */
int zcit_queue_status(struct se_cmd *se_cmd)
{
	zcit_cmd_respond(se_cmd, ZCIT_TX_STATUS);
	return 0;
}

/**
 * zcit_write_pending() - LIO: the buffers for write data are ready
 * @se_cmd: the command
 *
 * Return: 0.
 */
int zcit_write_pending(struct se_cmd *se_cmd)
{
	struct zcit_cmd *cmd = to_zcit_cmd(se_cmd);

	zcit_conn_post(cmd->conn, ZCIT_INBOX_WP, &cmd->wp_node);
	return 0;
}

/**
 * zcit_queue_tm_rsp() - LIO: a TMF is done
 * @se_cmd: the TMF request
 */
void zcit_queue_tm_rsp(struct se_cmd *se_cmd)
{
	zcit_cmd_respond(se_cmd, ZCIT_TX_TM_RSP);
}

/**
 * zcit_aborted_task() - LIO: a command was aborted and gets no response
 * @se_cmd: the command
 *
 * LIO drops the acknowledgment reference itself.  The command is on none
 * of the connection's lists: LIO aborts only commands it holds, and a
 * write leaves the lists before its data phase ends (ffp_cmd.c).
 */
void zcit_aborted_task(struct se_cmd *se_cmd)
{
	pr_debug("ITT 0x%08llx aborted\n", se_cmd->tag);
}

/**
 * zcit_check_stop_free() - LIO is done with a command
 * @se_cmd: the command
 *
 * Return: what target_put_sess_cmd() returns.
 */
int zcit_check_stop_free(struct se_cmd *se_cmd)
{
	return target_put_sess_cmd(se_cmd);
}

/**
 * zcit_release_cmd() - the last reference to a command is gone
 * @se_cmd: the command
 */
void zcit_release_cmd(struct se_cmd *se_cmd)
{
	struct zcit_cmd *cmd = to_zcit_cmd(se_cmd);
	struct zcit_conn *conn = cmd->conn;

	/* A command that got no response still frees its CmdSN slot. */
	if (test_and_clear_bit(ZCIT_CMD_WINDOW, &cmd->flags))
		zcit_sess_window_open(conn->sess);
	if (cmd->buf_bytes)
		zcit_sess_buf_put(conn->sess, cmd->buf_bytes);
	target_free_tag(se_cmd->se_sess, se_cmd);
	zcit_conn_put(conn);
}
