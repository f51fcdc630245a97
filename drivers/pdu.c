// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol engine: Basic Header Segments and serial numbers.
 *
 * Pure code: no sockets, no LIO calls.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <zcit/compat.h>
#include <scsi/scsi_common.h>
#include <zcit/pdu.h>

/**
 * zcit_bhs_parse() - check a BHS from an initiator and read its lengths
 * @hdr: the 48 bytes
 * @max_data: largest DataSegmentLength the receiver accepts
 * @lens: set to the lengths announced
 *
 * RFC 7143 11.2.1.2: only the opcodes an initiator may send are accepted
 * (bit 7 of byte 0 is reserved and must be 0).
 *
 * Return: 0; -EBADMSG for an opcode no initiator sends (answered with a
 * Reject by the caller in Full Feature Phase); -EMSGSIZE when the data
 * segment is longer than @max_data (a protocol error: drop the connection,
 * since its payload cannot be skipped safely).
 */
int zcit_bhs_parse(const struct iscsi_hdr *hdr, u32 max_data,
		   struct zcit_pdu_lens *lens)
{
	u8 op = hdr->opcode & ISCSI_OPCODE_MASK;

	lens->ahs = hdr->hlength * 4;
	lens->data = ntoh24(hdr->dlength);
	lens->pad = zcit_pad4(lens->data);

	if (hdr->opcode & ISCSI_OP_RETRY)
		return -EBADMSG;
	switch (op) {
	case ISCSI_OP_NOOP_OUT:
	case ISCSI_OP_SCSI_CMD:
	case ISCSI_OP_SCSI_TMFUNC:
	case ISCSI_OP_LOGIN:
	case ISCSI_OP_TEXT:
	case ISCSI_OP_SCSI_DATA_OUT:
	case ISCSI_OP_LOGOUT:
	case ISCSI_OP_SNACK:
		break;
	default:
		return -EBADMSG;
	}
	if (lens->data > max_data)
		return -EMSGSIZE;
	return 0;
}

/**
 * zcit_pdu_hdr_len() - bytes of a PDU's header on the wire
 * @lens: what its BHS announced
 * @hdr_digest: HeaderDigest=CRC32C
 *
 * Return: BHS, AHS and header digest (RFC 7143 11.2).
 */
u32 zcit_pdu_hdr_len(const struct zcit_pdu_lens *lens, bool hdr_digest)
{
	return ZCIT_BHS_LEN + lens->ahs + (hdr_digest ? ZCIT_DIGEST_LEN : 0);
}

/**
 * zcit_pdu_tail_len() - bytes on the wire after a data segment
 * @dlen: DataSegmentLength
 * @data_digest: DataDigest=CRC32C
 *
 * Return: its padding and data digest; 0 when there is no data segment
 * (RFC 7143 11.2: no digest then).
 */
u32 zcit_pdu_tail_len(u32 dlen, bool data_digest)
{
	if (!dlen)
		return 0;
	return zcit_pad4(dlen) + (data_digest ? ZCIT_DIGEST_LEN : 0);
}

/**
 * zcit_pdu_cdb() - the whole CDB of a SCSI Command
 * @hdr: its BHS followed by @ahs_len bytes of AHS; the extended CDB, if
 *	any, is moved down to follow the BHS's CDB field
 * @ahs_len: TotalAHSLength in bytes
 *
 * RFC 7143 11.3.6: the CDB is 16 bytes in the BHS, followed by the rest
 * from an Extended CDB AHS (11.2.1.3), whose length counts a reserved
 * byte.  At most one such AHS; every AHS must fit.
 *
 * Return: the CDB in @hdr, or NULL if the AHS are malformed or the CDB
 * (by its operation code) is longer than what came.
 */
u8 *zcit_pdu_cdb(u8 *hdr, u32 ahs_len)
{
	u8 *ahs = hdr + ZCIT_BHS_LEN;
	u8 *cdb = hdr + offsetof(struct iscsi_scsi_req, cdb);
	u32 off = 0, ext = 0, alen, len;

	while (off < ahs_len) {
		if (ahs_len - off < 4)
			return NULL;
		alen = get_unaligned_be16(ahs + off);
		len = ALIGN(3 + alen, 4);
		if (!alen || len > ahs_len - off)
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

static void zcit_put_sn(__be32 *statsn, __be32 *exp, __be32 *max,
			const struct zcit_sn *sn)
{
	*statsn = cpu_to_be32(sn->statsn);
	*exp = cpu_to_be32(sn->exp_cmdsn);
	*max = cpu_to_be32(sn->max_cmdsn);
}

/**
 * zcit_build_nopin() - the NOP-In answering a NOP-Out (RFC 7143 11.19)
 * @rsp: the header to fill in
 * @req: the NOP-Out, whose ITT is not 0xffffffff
 * @dlen: length of the ping data echoed back
 * @sn: sequence numbers
 */
void zcit_build_nopin(struct iscsi_nopin *rsp, const struct iscsi_nopout *req,
		      u32 dlen, const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_NOOP_IN;
	rsp->flags = ISCSI_FLAG_CMD_FINAL;
	hton24(rsp->dlength, dlen);
	rsp->lun = req->lun;
	rsp->itt = req->itt;
	rsp->ttt = cpu_to_be32(ISCSI_RESERVED_TAG);
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
}

/**
 * zcit_build_logout_rsp() - a Logout Response (RFC 7143 11.15)
 * @rsp: the header to fill in
 * @req: the Logout Request
 * @response: ISCSI_LOGOUT_SUCCESS and friends
 * @sn: sequence numbers
 *
 * Time2Wait and Time2Retain are 0: at ERL 0 nothing can be recovered.
 */
void zcit_build_logout_rsp(struct iscsi_logout_rsp *rsp,
			   const struct iscsi_logout *req, u8 response,
			   const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_LOGOUT_RSP;
	rsp->flags = ISCSI_FLAG_CMD_FINAL;
	rsp->response = response;
	rsp->itt = req->itt;
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
}

/**
 * zcit_build_text_rsp() - a Text Response (RFC 7143 11.11)
 * @rsp: the header to fill in
 * @req: the Text Request
 * @more: more of the answer follows (C bit, F clear)
 * @ttt: Target Transfer Tag: 0xffffffff on the final answer, otherwise a
 *	tag the initiator returns to get the rest
 * @dlen: data segment length
 * @sn: sequence numbers
 */
void zcit_build_text_rsp(struct iscsi_text_rsp *rsp,
			 const struct iscsi_text *req, bool more, u32 ttt,
			 u32 dlen, const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_TEXT_RSP;
	rsp->flags = more ? ISCSI_FLAG_TEXT_CONTINUE : ISCSI_FLAG_CMD_FINAL;
	hton24(rsp->dlength, dlen);
	rsp->itt = req->itt;
	rsp->ttt = cpu_to_be32(more ? ttt : ISCSI_RESERVED_TAG);
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
}

/**
 * zcit_build_reject() - a Reject (RFC 7143 11.17) of a 48-byte header
 * @rsp: the header to fill in; the rejected BHS is its data segment
 * @reason: ISCSI_REASON_*
 * @sn: sequence numbers
 */
void zcit_build_reject(struct iscsi_reject *rsp, u8 reason,
		       const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_REJECT;
	rsp->flags = ISCSI_FLAG_CMD_FINAL;
	rsp->reason = reason;
	hton24(rsp->dlength, ZCIT_BHS_LEN);
	rsp->ffffffff = cpu_to_be32(ISCSI_RESERVED_TAG);
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
}

#define ZCIT_SN_HALF	0x80000000u

/**
 * zcit_sn_lt() - RFC 1982 3.2 "less than" for 32-bit serial numbers
 * @a: one number
 * @b: the other
 *
 * Return: true if @a < @b; false also when the comparison is undefined
 * (the numbers are exactly 2^31 apart).
 */
bool zcit_sn_lt(u32 a, u32 b)
{
	return (a < b && b - a < ZCIT_SN_HALF) ||
	       (a > b && a - b > ZCIT_SN_HALF);
}

/**
 * zcit_sn_gt() - RFC 1982 3.2 "greater than" for 32-bit serial numbers
 * @a: one number
 * @b: the other
 *
 * Return: true if @a > @b; false when equal or undefined.
 */
bool zcit_sn_gt(u32 a, u32 b)
{
	return (a < b && b - a > ZCIT_SN_HALF) ||
	       (a > b && a - b < ZCIT_SN_HALF);
}

/**
 * zcit_sn_in_window() - is @sn within [@low, @high] in serial arithmetic?
 * @sn: the number
 * @low: lower bound (ExpCmdSN)
 * @high: upper bound (MaxCmdSN)
 *
 * RFC 7143 4.2.2.1: a command is acceptable when ExpCmdSN <= CmdSN <=
 * MaxCmdSN.  An empty window (MaxCmdSN = ExpCmdSN - 1) holds nothing, and
 * neither does a window wider than 2^31, which RFC 1982 cannot order.
 *
 * Return: true if it is.
 */
bool zcit_sn_in_window(u32 sn, u32 low, u32 high)
{
	u32 size = high - low + 1;

	return size <= ZCIT_SN_HALF && sn - low < size;
}

/**
 * zcit_sn_max_cmdsn() - MaxCmdSN of a window of @depth commands
 * @exp_cmdsn: ExpCmdSN
 * @depth: commands the target accepts, 1 to 2^31 - 1
 *
 * Return: ExpCmdSN + depth - 1, wrapping as serial numbers do.
 */
u32 zcit_sn_max_cmdsn(u32 exp_cmdsn, u32 depth)
{
	return exp_cmdsn + depth - 1;
}

/**
 * zcit_build_scsi_rsp() - a SCSI Response (RFC 7143 11.4)
 * @rsp: the header to fill in
 * @itt: the command's ITT
 * @st: its status and residual
 * @exp_datasn: Data-In and R2T PDUs sent for the command
 * @dlen: sense data length (with its 2-byte SenseLength), or 0
 * @sn: sequence numbers
 */
void zcit_build_scsi_rsp(struct iscsi_scsi_rsp *rsp, itt_t itt,
			 const struct zcit_status *st, u32 exp_datasn,
			 u32 dlen, const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_SCSI_CMD_RSP;
	rsp->flags = ISCSI_FLAG_CMD_FINAL | st->resid_flags;
	rsp->response = ISCSI_STATUS_CMD_COMPLETED;
	rsp->cmd_status = st->status;
	hton24(rsp->dlength, dlen);
	rsp->itt = itt;
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
	rsp->exp_datasn = cpu_to_be32(exp_datasn);
	if (st->resid_flags)
		rsp->residual_count = cpu_to_be32(st->resid);
}

/**
 * zcit_build_data_in() - a SCSI Data-In (RFC 7143 11.7)
 * @rsp: the header to fill in
 * @itt: the command's ITT
 * @lun: its LUN
 * @datasn: DataSN
 * @offset: Buffer Offset
 * @len: DataSegmentLength
 * @seq_end: last PDU of a sequence (F bit)
 * @st: when not NULL, the status goes with this PDU (S bit, 11.7.3); it is
 *	the last PDU of the command and @sn carries the StatSN it takes
 * @sn: sequence numbers; StatSN is sent only with @st (11.7.6)
 */
void zcit_build_data_in(struct iscsi_data_rsp *rsp, itt_t itt,
			const struct scsi_lun *lun, u32 datasn, u32 offset,
			u32 len, bool seq_end, const struct zcit_status *st,
			const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_SCSI_DATA_IN;
	if (seq_end || st)
		rsp->flags = ISCSI_FLAG_CMD_FINAL;
	hton24(rsp->dlength, len);
	rsp->lun = *lun;
	rsp->itt = itt;
	rsp->ttt = cpu_to_be32(ISCSI_RESERVED_TAG);
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
	rsp->datasn = cpu_to_be32(datasn);
	rsp->offset = cpu_to_be32(offset);
	if (st) {
		rsp->flags |= ISCSI_FLAG_DATA_STATUS | st->resid_flags;
		rsp->cmd_status = st->status;
		if (st->resid_flags)
			rsp->residual_count = cpu_to_be32(st->resid);
	} else {
		rsp->statsn = 0;
	}
}

/**
 * zcit_build_r2t() - a Ready To Transfer (RFC 7143 11.8)
 * @rsp: the header to fill in
 * @itt: the command's ITT
 * @lun: its LUN
 * @ttt: Target Transfer Tag
 * @r2tsn: R2TSN
 * @offset: Buffer Offset
 * @len: Desired Data Transfer Length
 * @sn: sequence numbers; an R2T does not advance StatSN
 */
void zcit_build_r2t(struct iscsi_r2t_rsp *rsp, itt_t itt,
		    const struct scsi_lun *lun, u32 ttt, u32 r2tsn, u32 offset,
		    u32 len, const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_R2T;
	rsp->flags = ISCSI_FLAG_CMD_FINAL;
	rsp->lun = *lun;
	rsp->itt = itt;
	rsp->ttt = cpu_to_be32(ttt);
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
	rsp->r2tsn = cpu_to_be32(r2tsn);
	rsp->data_offset = cpu_to_be32(offset);
	rsp->data_length = cpu_to_be32(len);
}

/**
 * zcit_build_tm_rsp() - a Task Management Function Response (RFC 7143 11.6)
 * @rsp: the header to fill in
 * @itt: the request's ITT
 * @response: ISCSI_TMF_RSP_*
 * @sn: sequence numbers
 */
void zcit_build_tm_rsp(struct iscsi_tm_rsp *rsp, itt_t itt, u8 response,
		       const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_SCSI_TMFUNC_RSP;
	rsp->flags = ISCSI_FLAG_CMD_FINAL;
	rsp->response = response;
	rsp->itt = itt;
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
}

/**
 * zcit_build_nopin_ping() - a NOP-In asking for a NOP-Out (RFC 7143 11.19)
 * @rsp: the header to fill in
 * @ttt: the TTT the answer must carry (not 0xffffffff)
 * @sn: sequence numbers; with ITT 0xffffffff, StatSN does not advance
 */
void zcit_build_nopin_ping(struct iscsi_nopin *rsp, u32 ttt,
			   const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_NOOP_IN;
	rsp->flags = ISCSI_FLAG_CMD_FINAL;
	rsp->itt = (__force itt_t)cpu_to_be32(ISCSI_RESERVED_TAG);
	rsp->ttt = cpu_to_be32(ttt);
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
}

/* RFC 7143 11.9: an Asynchronous Message without data. */
static void zcit_build_async(struct iscsi_async *rsp, u8 event, u16 p1,
			     u16 p2, u16 p3, const struct zcit_sn *sn)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_ASYNC_EVENT;
	rsp->flags = ISCSI_FLAG_CMD_FINAL;
	rsp->rsvd4[0] = 0xff;	/* ITT field: 0xffffffff */
	rsp->rsvd4[1] = 0xff;
	rsp->rsvd4[2] = 0xff;
	rsp->rsvd4[3] = 0xff;
	zcit_put_sn(&rsp->statsn, &rsp->exp_cmdsn, &rsp->max_cmdsn, sn);
	rsp->async_event = event;
	rsp->param1 = cpu_to_be16(p1);
	rsp->param2 = cpu_to_be16(p2);
	rsp->param3 = cpu_to_be16(p3);
}

/**
 * zcit_build_async_logout() - an Asynchronous Message asking the initiator
 *	to log out (RFC 7143 11.9.1, AsyncEvent 1)
 * @rsp: the header to fill in
 * @wait: seconds within which to log out (Parameter3)
 * @sn: sequence numbers
 */
void zcit_build_async_logout(struct iscsi_async *rsp, u16 wait,
			     const struct zcit_sn *sn)
{
	zcit_build_async(rsp, ISCSI_ASYNC_MSG_REQUEST_LOGOUT, 0, 0, wait, sn);
}

/**
 * zcit_build_async_drop() - an Asynchronous Message saying the target drops
 *	a connection (RFC 7143 11.9.1, AsyncEvent 2) or all of the session's
 *	(AsyncEvent 3)
 * @rsp: the header to fill in
 * @all: all connections of the session (3), else the one of @cid (2)
 * @cid: the connection's CID (Parameter1, AsyncEvent 2 only)
 * @time2wait: DefaultTime2Wait, the least time before reconnecting
 *	(Parameter2)
 * @time2retain: DefaultTime2Retain (Parameter3)
 * @sn: sequence numbers
 */
void zcit_build_async_drop(struct iscsi_async *rsp, bool all, u16 cid,
			   u16 time2wait, u16 time2retain,
			   const struct zcit_sn *sn)
{
	zcit_build_async(rsp, all ? ISCSI_ASYNC_MSG_DROPPING_ALL_CONNECTIONS :
			 ISCSI_ASYNC_MSG_DROPPING_CONNECTION, all ? 0 : cid,
			 time2wait, time2retain, sn);
}
