/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit tracepoints: the "zcit" trace system (Documentation/tracing.md).
 *
 * The events only take pointers to zcit's objects; what they record is
 * read in drivers/trace.c, the one file that defines CREATE_TRACE_POINTS
 * and sees every structure.  A file that fires an event needs nothing
 * but this header, and a disabled event costs one patched-out branch.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM zcit

#if !defined(ZCIT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define ZCIT_TRACE_H

#include <linux/tracepoint.h>
#include <linux/socket.h>
#include <linux/in6.h>
#include <scsi/iscsi_proto.h>
#include <zcit/compat.h>

struct zcit_conn;
struct zcit_cmd;
struct zcit_login;

/* Bytes of a peer's address recorded: sockaddr_in or sockaddr_in6. */
#define ZCIT_TRACE_ADDR_LEN	sizeof(struct sockaddr_in6)

#ifndef ZCIT_TRACE_DEFS
#define ZCIT_TRACE_DEFS
/**
 * enum zcit_timeout - what timed out (zcit_timeout event)
 * @ZCIT_TO_FIRST_PDU: no whole Login request within first_pdu_timeout
 * @ZCIT_TO_LOGIN: the login took longer than attrib/login_timeout
 * @ZCIT_TO_NOPIN: no answer to a NOP-In ping (nopin_response_timeout)
 * @ZCIT_TO_DATAOUT: a write's data stopped coming (dataout_timeout)
 * @ZCIT_TO_TX_STALL: the initiator stopped reading (tx_stall_secs)
 * @ZCIT_TO_IDLE: a discovery session was idle (discovery_idle_timeout)
 */
enum zcit_timeout {
	ZCIT_TO_FIRST_PDU,
	ZCIT_TO_LOGIN,
	ZCIT_TO_NOPIN,
	ZCIT_TO_DATAOUT,
	ZCIT_TO_TX_STALL,
	ZCIT_TO_IDLE,
};
#endif

/* Enums in the print formats, for user-space tools (perf, trace-cmd). */
TRACE_DEFINE_ENUM(ZCIT_CONN_ACCEPTED);
TRACE_DEFINE_ENUM(ZCIT_CONN_LOGIN);
TRACE_DEFINE_ENUM(ZCIT_CONN_FFP);
TRACE_DEFINE_ENUM(ZCIT_CONN_DRAINING);
TRACE_DEFINE_ENUM(ZCIT_CONN_DEAD);
TRACE_DEFINE_ENUM(ZCIT_WHY_LOGOUT);
TRACE_DEFINE_ENUM(ZCIT_WHY_LOGIN_REFUSED);
TRACE_DEFINE_ENUM(ZCIT_WHY_PROTOCOL);
TRACE_DEFINE_ENUM(ZCIT_WHY_DATA_DIGEST);
TRACE_DEFINE_ENUM(ZCIT_WHY_BAD_PDU);
TRACE_DEFINE_ENUM(ZCIT_WHY_HDR_DIGEST);
TRACE_DEFINE_ENUM(ZCIT_WHY_PEER);
TRACE_DEFINE_ENUM(ZCIT_WHY_SOCKET);
TRACE_DEFINE_ENUM(ZCIT_WHY_NOMEM);
TRACE_DEFINE_ENUM(ZCIT_WHY_LOGIN_TIMEOUT);
TRACE_DEFINE_ENUM(ZCIT_WHY_NOPIN_TIMEOUT);
TRACE_DEFINE_ENUM(ZCIT_WHY_DATAOUT_TIMEOUT);
TRACE_DEFINE_ENUM(ZCIT_WHY_TX_STALL);
TRACE_DEFINE_ENUM(ZCIT_WHY_CLOSED);
TRACE_DEFINE_ENUM(ZCIT_WHY_EVICTED);
TRACE_DEFINE_ENUM(ZCIT_WHY_IDLE);
TRACE_DEFINE_ENUM(ZCIT_TO_FIRST_PDU);
TRACE_DEFINE_ENUM(ZCIT_TO_LOGIN);
TRACE_DEFINE_ENUM(ZCIT_TO_NOPIN);
TRACE_DEFINE_ENUM(ZCIT_TO_DATAOUT);
TRACE_DEFINE_ENUM(ZCIT_TO_TX_STALL);
TRACE_DEFINE_ENUM(ZCIT_TO_IDLE);

/* &enum zcit_conn_state */
#define zcit_show_state(s)						\
	__print_symbolic(s,						\
			 { ZCIT_CONN_ACCEPTED, "accepted" },		\
			 { ZCIT_CONN_LOGIN, "login" },			\
			 { ZCIT_CONN_FFP, "ffp" },			\
			 { ZCIT_CONN_DRAINING, "draining" },		\
			 { ZCIT_CONN_DEAD, "dead" })

/* &enum zcit_conn_why */
#define zcit_show_why(w)						\
	__print_symbolic(w,						\
			 { ZCIT_WHY_LOGOUT, "logout" },			\
			 { ZCIT_WHY_LOGIN_REFUSED, "login refused" },	\
			 { ZCIT_WHY_PROTOCOL, "protocol error" },	\
			 { ZCIT_WHY_DATA_DIGEST, "data digest error" },	\
			 { ZCIT_WHY_BAD_PDU, "malformed PDU" },		\
			 { ZCIT_WHY_HDR_DIGEST, "header digest error" }, \
			 { ZCIT_WHY_PEER, "closed by the initiator" },	\
			 { ZCIT_WHY_SOCKET, "socket error" },		\
			 { ZCIT_WHY_NOMEM, "out of memory" },		\
			 { ZCIT_WHY_LOGIN_TIMEOUT, "login timed out" },	\
			 { ZCIT_WHY_NOPIN_TIMEOUT, "NOP-In unanswered" }, \
			 { ZCIT_WHY_DATAOUT_TIMEOUT, "Data-Out timed out" }, \
			 { ZCIT_WHY_TX_STALL, "initiator stopped reading" }, \
			 { ZCIT_WHY_CLOSED, "closed by the target" },	\
			 { ZCIT_WHY_EVICTED, "login slot taken back" },	\
			 { ZCIT_WHY_IDLE, "idle" })

/* &enum zcit_timeout */
#define zcit_show_timeout(t)						\
	__print_symbolic(t,						\
			 { ZCIT_TO_FIRST_PDU, "first_pdu" },		\
			 { ZCIT_TO_LOGIN, "login" },			\
			 { ZCIT_TO_NOPIN, "nopin" },			\
			 { ZCIT_TO_DATAOUT, "dataout" },		\
			 { ZCIT_TO_TX_STALL, "tx_stall" },		\
			 { ZCIT_TO_IDLE, "idle" })

/* RFC 7143 11.9.1 */
#define zcit_show_async(e)						\
	__print_symbolic(e,						\
			 { ISCSI_ASYNC_MSG_SCSI_EVENT, "SCSI event" },	\
			 { ISCSI_ASYNC_MSG_REQUEST_LOGOUT, "logout request" }, \
			 { ISCSI_ASYNC_MSG_DROPPING_CONNECTION,		\
			   "dropping the connection" },			\
			 { ISCSI_ASYNC_MSG_DROPPING_ALL_CONNECTIONS,	\
			   "dropping all connections" },		\
			 { ISCSI_ASYNC_MSG_PARAM_NEGOTIATION,		\
			   "negotiation request" },			\
			 { ISCSI_ASYNC_MSG_VENDOR_SPECIFIC, "vendor specific" })

/* RFC 7143 11.13.5: Status-Class, then (class << 8 | detail) */
#define zcit_show_login_class(c)					\
	__print_symbolic(c,						\
		{ ISCSI_STATUS_CLS_SUCCESS, "success" },		\
		{ ISCSI_STATUS_CLS_REDIRECT, "redirection" },		\
		{ ISCSI_STATUS_CLS_INITIATOR_ERR, "initiator error" },	\
		{ ISCSI_STATUS_CLS_TARGET_ERR, "target error" })

#define zcit_show_login_status(s)					\
	__print_symbolic(s,						\
		{ 0x0000, "accepted" },					\
		{ 0x0101, "target moved temporarily" },			\
		{ 0x0102, "target moved permanently" },			\
		{ 0x0200, "initiator error" },				\
		{ 0x0201, "authentication failure" },			\
		{ 0x0202, "authorization failure" },			\
		{ 0x0203, "not found" },				\
		{ 0x0204, "target removed" },				\
		{ 0x0205, "unsupported version" },			\
		{ 0x0206, "too many connections" },			\
		{ 0x0207, "missing parameter" },			\
		{ 0x0208, "can't include in session" },			\
		{ 0x0209, "session type not supported" },		\
		{ 0x020a, "session does not exist" },			\
		{ 0x020b, "invalid during login" },			\
		{ 0x0300, "target error" },				\
		{ 0x0301, "service unavailable" },			\
		{ 0x0302, "out of resources" })

/* RFC 7143 11.17.1 */
#define zcit_show_reject(r)						\
	__print_symbolic(r,						\
		{ ISCSI_REASON_CMD_BEFORE_LOGIN, "command before login" }, \
		{ ISCSI_REASON_DATA_DIGEST_ERROR, "data digest error" }, \
		{ ISCSI_REASON_DATA_SNACK_REJECT, "SNACK reject" },	\
		{ ISCSI_REASON_PROTOCOL_ERROR, "protocol error" },	\
		{ ISCSI_REASON_CMD_NOT_SUPPORTED, "command not supported" }, \
		{ ISCSI_REASON_IMM_CMD_REJECT, "immediate command reject" }, \
		{ ISCSI_REASON_TASK_IN_PROGRESS, "task in progress" },	\
		{ ISCSI_REASON_INVALID_SNACK, "invalid data ack" },	\
		{ ISCSI_REASON_BOOKMARK_INVALID, "invalid PDU field" },	\
		{ ISCSI_REASON_BOOKMARK_NO_RESOURCES, "out of resources" }, \
		{ ISCSI_REASON_NEGOTIATION_RESET, "negotiation reset" }, \
		{ 12, "waiting for logout" })

/* RFC 7143 11.5.1 */
#define zcit_show_tmf(f)						\
	__print_symbolic(f,						\
		{ ISCSI_TM_FUNC_ABORT_TASK, "ABORT_TASK" },		\
		{ ISCSI_TM_FUNC_ABORT_TASK_SET, "ABORT_TASK_SET" },	\
		{ ISCSI_TM_FUNC_CLEAR_ACA, "CLEAR_ACA" },		\
		{ ISCSI_TM_FUNC_CLEAR_TASK_SET, "CLEAR_TASK_SET" },	\
		{ ISCSI_TM_FUNC_LOGICAL_UNIT_RESET, "LOGICAL_UNIT_RESET" }, \
		{ ISCSI_TM_FUNC_TARGET_WARM_RESET, "TARGET_WARM_RESET" }, \
		{ ISCSI_TM_FUNC_TARGET_COLD_RESET, "TARGET_COLD_RESET" }, \
		{ ISCSI_TM_FUNC_TASK_REASSIGN, "TASK_REASSIGN" })

/* RFC 7143 11.6.1 */
#define zcit_show_tmf_rsp(r)						\
	__print_symbolic(r,						\
		{ ISCSI_TMF_RSP_COMPLETE, "function complete" },	\
		{ ISCSI_TMF_RSP_NO_TASK, "task does not exist" },	\
		{ ISCSI_TMF_RSP_NO_LUN, "LUN does not exist" },		\
		{ ISCSI_TMF_RSP_TASK_ALLEGIANT, "task still allegiant" }, \
		{ ISCSI_TMF_RSP_NO_FAILOVER, "reassignment not supported" }, \
		{ ISCSI_TMF_RSP_NOT_SUPPORTED, "not supported" },	\
		{ ISCSI_TMF_RSP_AUTH_FAILED, "authorization failed" },	\
		{ ISCSI_TMF_RSP_REJECTED, "rejected" })

/* SAM-5 status codes */
#define zcit_show_scsi_status(s)					\
	__print_symbolic(s,						\
		{ 0x00, "GOOD" },					\
		{ 0x02, "CHECK_CONDITION" },				\
		{ 0x04, "CONDITION_MET" },				\
		{ 0x08, "BUSY" },					\
		{ 0x18, "RESERVATION_CONFLICT" },			\
		{ 0x28, "TASK_SET_FULL" },				\
		{ 0x30, "ACA_ACTIVE" },					\
		{ 0x40, "TASK_ABORTED" })

/**
 * zcit_login - a login ended: Full Feature Phase, or a refusal
 * @conn: the connection
 * @l: its login state
 * @rsp: the last Login Response (its status)
 */
TRACE_EVENT(zcit_login,
	    TP_PROTO(const struct zcit_conn *conn, const struct zcit_login *l,
		     const struct iscsi_login_rsp *rsp),
	    TP_ARGS(conn, l, rsp),
	    TP_STRUCT__entry(__array(u8, peer, ZCIT_TRACE_ADDR_LEN)
			     __string(initiator, l->initiator_name)
			     __string(target, l->target_name)
			     __field(u16, status)
			     __field(u16, tsih)
			     __field(u16, cid)
			     __field(bool, discovery)),
	    TP_fast_assign(memcpy(__entry->peer, &conn->peer,
				  ZCIT_TRACE_ADDR_LEN);
			   ZCIT_ASSIGN_STR(initiator, l->initiator_name);
			   ZCIT_ASSIGN_STR(target, l->target_name);
			   __entry->status = rsp->status_class << 8 |
					     rsp->status_detail;
			   __entry->tsih = be16_to_cpu(rsp->tsih);
			   __entry->cid = l->cid;
			   __entry->discovery = l->discovery;),
	    TP_printk("%pISpc initiator=%s target=%s type=%s status=0x%04x (%s: %s) tsih=%u cid=%u",
		      __entry->peer, __get_str(initiator), __get_str(target),
		      __entry->discovery ? "discovery" : "normal",
		      __entry->status,
		      zcit_show_login_class(__entry->status >> 8),
		      zcit_show_login_status(__entry->status), __entry->tsih,
		      __entry->cid)
);

/**
 * zcit_conn_state - a connection changed state
 * @conn: the connection
 * @from: its &enum zcit_conn_state before
 * @to: after
 * @why: &enum zcit_conn_why when it is ending (to draining or dead), or -1
 */
TRACE_EVENT(zcit_conn_state,
	    TP_PROTO(const struct zcit_conn *conn, int from, int to, int why),
	    TP_ARGS(conn, from, to, why),
	    TP_STRUCT__entry(__array(u8, peer, ZCIT_TRACE_ADDR_LEN)
			     __field(u16, cid)
			     __field(u8, from)
			     __field(u8, to)
			     __field(int, why)),
	    TP_fast_assign(memcpy(__entry->peer, &conn->peer,
				  ZCIT_TRACE_ADDR_LEN);
			   __entry->cid = conn->cid;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->why = why;),
	    TP_printk("%pISpc cid=%u %s -> %s why=%s", __entry->peer,
		      __entry->cid, zcit_show_state(__entry->from),
		      zcit_show_state(__entry->to),
		      __entry->why < 0 ? "-" : zcit_show_why(__entry->why))
);

/**
 * zcit_reject - a Reject was queued (RFC 7143 11.17)
 * @conn: the connection; the rejected header is in its rx_hdr
 * @reason: ISCSI_REASON_*
 */
TRACE_EVENT(zcit_reject,
	    TP_PROTO(const struct zcit_conn *conn, u8 reason),
	    TP_ARGS(conn, reason),
	    TP_STRUCT__entry(__array(u8, peer, ZCIT_TRACE_ADDR_LEN)
			     __field(u16, cid)
			     __field(u8, reason)
			     __field(u8, opcode)
			     __field(u32, itt)),
	    TP_fast_assign(memcpy(__entry->peer, &conn->peer,
				  ZCIT_TRACE_ADDR_LEN);
			   __entry->cid = conn->cid;
			   __entry->reason = reason;
			   __entry->opcode = conn->rx_hdr[0] &
					     ISCSI_OPCODE_MASK;
			   __entry->itt = get_unaligned_be32(conn->rx_hdr + 16);),
	    TP_printk("%pISpc cid=%u reason=0x%02x (%s) opcode=0x%02x itt=0x%08x",
		      __entry->peer, __entry->cid, __entry->reason,
		      zcit_show_reject(__entry->reason), __entry->opcode,
		      __entry->itt)
);

/**
 * zcit_tmf_req - a Task Management Function Request came in
 * @conn: the connection
 * @req: the request
 */
TRACE_EVENT(zcit_tmf_req,
	    TP_PROTO(const struct zcit_conn *conn, struct iscsi_tm *req),
	    TP_ARGS(conn, req),
	    TP_STRUCT__entry(__field(u16, tsih)
			     __field(u16, cid)
			     __field(u8, function)
			     __field(u32, itt)
			     __field(u32, rtt)
			     __field(u32, refcmdsn)
			     __field(u64, lun)),
	    TP_fast_assign(__entry->tsih = zcit_trace_conn_tsih(conn);
			   __entry->cid = conn->cid;
			   __entry->function = req->flags &
					       ISCSI_FLAG_TM_FUNC_MASK;
			   __entry->itt = be32_to_cpu((__force __be32)req->itt);
			   __entry->rtt = be32_to_cpu((__force __be32)req->rtt);
			   __entry->refcmdsn = be32_to_cpu(req->refcmdsn);
			   __entry->lun = scsilun_to_int(&req->lun);),
	    TP_printk("tsih=%u cid=%u itt=0x%08x %s lun=%llu rtt=0x%08x refcmdsn=%u",
		      __entry->tsih, __entry->cid, __entry->itt,
		      zcit_show_tmf(__entry->function), __entry->lun,
		      __entry->rtt, __entry->refcmdsn)
);

/**
 * zcit_tmf_rsp - a Task Management Function Response is built
 * @conn: the connection
 * @itt: the request's ITT, as received
 * @function: ISCSI_TM_FUNC_*
 * @response: ISCSI_TMF_RSP_*
 */
TRACE_EVENT(zcit_tmf_rsp,
	    TP_PROTO(const struct zcit_conn *conn, itt_t itt, u8 function,
		     u8 response),
	    TP_ARGS(conn, itt, function, response),
	    TP_STRUCT__entry(__field(u16, tsih)
			     __field(u16, cid)
			     __field(u8, function)
			     __field(u8, response)
			     __field(u32, itt)),
	    TP_fast_assign(__entry->tsih = zcit_trace_conn_tsih(conn);
			   __entry->cid = conn->cid;
			   __entry->function = function;
			   __entry->response = response;
			   __entry->itt = be32_to_cpu((__force __be32)itt);),
	    TP_printk("tsih=%u cid=%u itt=0x%08x %s response=0x%02x (%s)",
		      __entry->tsih, __entry->cid, __entry->itt,
		      zcit_show_tmf(__entry->function), __entry->response,
		      zcit_show_tmf_rsp(__entry->response))
);

/**
 * zcit_timeout - a timeout ends a connection
 * @conn: the connection
 * @what: &enum zcit_timeout
 * @ms: milliseconds since what was waited for began (accept, ping, the
 *	last Data-Out or R2T, the last send, the last PDU received)
 * @itt: the write whose data stopped coming, or 0xffffffff
 */
TRACE_EVENT(zcit_timeout,
	    TP_PROTO(const struct zcit_conn *conn, int what, u32 ms, u32 itt),
	    TP_ARGS(conn, what, ms, itt),
	    TP_STRUCT__entry(__array(u8, peer, ZCIT_TRACE_ADDR_LEN)
			     __field(u16, cid)
			     __field(u8, what)
			     __field(u32, ms)
			     __field(u32, itt)),
	    TP_fast_assign(memcpy(__entry->peer, &conn->peer,
				  ZCIT_TRACE_ADDR_LEN);
			   __entry->cid = conn->cid;
			   __entry->what = what;
			   __entry->ms = ms;
			   __entry->itt = itt;),
	    TP_printk("%pISpc cid=%u %s after %u ms itt=0x%08x", __entry->peer,
		      __entry->cid, zcit_show_timeout(__entry->what),
		      __entry->ms, __entry->itt)
);

/**
 * zcit_async - an Asynchronous Message is sent (RFC 7143 11.9)
 * @conn: the connection
 * @msg: the message
 */
TRACE_EVENT(zcit_async,
	    TP_PROTO(const struct zcit_conn *conn, const struct iscsi_async *msg),
	    TP_ARGS(conn, msg),
	    TP_STRUCT__entry(__array(u8, peer, ZCIT_TRACE_ADDR_LEN)
			     __field(u16, tsih)
			     __field(u16, cid)
			     __field(u8, event)
			     __field(u16, param1)
			     __field(u16, param2)
			     __field(u16, param3)),
	    TP_fast_assign(memcpy(__entry->peer, &conn->peer,
				  ZCIT_TRACE_ADDR_LEN);
			   __entry->tsih = zcit_trace_conn_tsih(conn);
			   __entry->cid = conn->cid;
			   __entry->event = msg->async_event;
			   __entry->param1 = be16_to_cpu(msg->param1);
			   __entry->param2 = be16_to_cpu(msg->param2);
			   __entry->param3 = be16_to_cpu(msg->param3);),
	    TP_printk("%pISpc tsih=%u cid=%u event=%u (%s) param1=%u param2=%u param3=%u",
		      __entry->peer, __entry->tsih, __entry->cid,
		      __entry->event, zcit_show_async(__entry->event),
		      __entry->param1, __entry->param2, __entry->param3)
);

/**
 * zcit_cmd_start - a SCSI command goes to LIO core
 * @cmd: the command
 * @cdb: its CDB
 */
TRACE_EVENT(zcit_cmd_start,
	    TP_PROTO(const struct zcit_cmd *cmd, const u8 *cdb),
	    TP_ARGS(cmd, cdb),
	    TP_STRUCT__entry(__field(u16, tsih)
			     __field(u16, cid)
			     __field(u8, opcode)
			     __field(u8, dir)
			     __field(u32, itt)
			     __field(u32, edtl)
			     __field(u64, lun)),
	    TP_fast_assign(__entry->tsih = zcit_trace_conn_tsih(cmd->conn);
			   __entry->cid = cmd->conn->cid;
			   __entry->itt = be32_to_cpu((__force __be32)cmd->itt);
			   __entry->lun = cmd->se_cmd.orig_fe_lun;
			   __entry->opcode = cdb[0];
			   __entry->dir =
				zcit_trace_dir(cmd->se_cmd.data_direction);
			   __entry->edtl = cmd->se_cmd.data_length;),
	    TP_printk("tsih=%u cid=%u itt=0x%08x lun=%llu opcode=0x%02x edtl=%u dir=%s",
		      __entry->tsih, __entry->cid, __entry->itt, __entry->lun,
		      __entry->opcode, __entry->edtl,
		      __print_symbolic(__entry->dir, { 0, "none" },
				       { 1, "write" }, { 2, "read" }))
);

/**
 * zcit_cmd_done - the response of a SCSI command is with TCP
 * @cmd: the command
 *
 * Commands that get no response (aborted by a TMF, or of a connection
 * that closed) have no zcit_cmd_done.  The latency is from
 * zcit_cmd_start, 0 when zcit_cmd_done was not enabled then.
 */
TRACE_EVENT(zcit_cmd_done,
	    TP_PROTO(const struct zcit_cmd *cmd),
	    TP_ARGS(cmd),
	    TP_STRUCT__entry(__field(u16, tsih)
			     __field(u16, cid)
			     __field(u8, opcode)
			     __field(u8, status)
			     __field(u8, sense_key)
			     __field(u8, asc)
			     __field(u8, ascq)
			     __field(u8, resid_flags)
			     __field(u32, itt)
			     __field(u32, len)
			     __field(u32, resid)
			     __field(u64, lun)
			     __field(u64, latency_ns)),
	    TP_fast_assign(__entry->tsih = zcit_trace_conn_tsih(cmd->conn);
			   __entry->cid = cmd->conn->cid;
			   __entry->itt = be32_to_cpu((__force __be32)cmd->itt);
			   __entry->lun = cmd->se_cmd.orig_fe_lun;
			   __entry->opcode = cmd->se_cmd.t_task_cdb ?
					     cmd->se_cmd.t_task_cdb[0] : 0;
			   __entry->status = cmd->se_cmd.scsi_status;
			   __entry->len = cmd->se_cmd.data_length;
			   zcit_trace_cmd_resid(cmd, &__entry->resid_flags,
						&__entry->resid);
			   zcit_trace_cmd_sense(cmd, &__entry->sense_key,
						&__entry->asc, &__entry->ascq);
			   __entry->latency_ns = cmd->start_ns ?
				ktime_get_ns() - cmd->start_ns : 0;),
	    TP_printk("tsih=%u cid=%u itt=0x%08x lun=%llu opcode=0x%02x status=0x%02x (%s) sense=%x/%02x/%02x len=%u resid=%s%u latency_us=%llu",
		      __entry->tsih, __entry->cid, __entry->itt, __entry->lun,
		      __entry->opcode, __entry->status,
		      zcit_show_scsi_status(__entry->status),
		      __entry->sense_key, __entry->asc, __entry->ascq,
		      __entry->len,
		      __entry->resid_flags & ISCSI_FLAG_CMD_OVERFLOW ? "+" :
		      __entry->resid_flags & ISCSI_FLAG_CMD_UNDERFLOW ? "-" : "",
		      __entry->resid, __entry->latency_ns / 1000)
);

#endif /* ZCIT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH zcit
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
