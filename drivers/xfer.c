// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol engine: data transfer bookkeeping for one SCSI command.
 *
 * zcit negotiates DataPDUInOrder=Yes and DataSequenceInOrder=Yes, so write
 * data arrives as one stream in offset order: first the unsolicited part
 * (immediate data, then unsolicited Data-Out up to the end of the first
 * burst), then one sequence per R2T, each MaxBurstLength long but the
 * last.  The R2Ts and the Data-Out PDUs answering them are therefore
 * numbered, and every Data-Out has exactly one acceptable TTT, DataSN and
 * Buffer Offset.  Anything else is a protocol error; at ErrorRecoveryLevel
 * 0 the caller drops the connection (RFC 7143 7.1.4.1, 7.12).
 *
 * Pure code: no sockets, no LIO calls.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <zcit/xfer.h>

/**
 * zcit_xfer_init() - start the write data bookkeeping of a command
 * @x: the transfer
 * @p: the session's values
 * @edtl: Expected Data Transfer Length of the command
 * @imm_len: immediate data in the command PDU
 * @final: the command PDU's F bit: no unsolicited Data-Out follows
 * @ttt_base: high bits of the TTTs of this command's R2Ts (RFC 7143
 *	11.8.4: any value but 0xffffffff; the low 16 bits count R2Ts)
 *
 * RFC 7143 4.2.5.2 and 13.10-13.14: immediate data needs ImmediateData=Yes
 * and, with unsolicited Data-Out, may not exceed FirstBurstLength; with
 * InitialR2T=Yes no unsolicited Data-Out may follow (F must be 1).
 *
 * Return: 0 or -EPROTO.
 */
int zcit_xfer_init(struct zcit_xfer *x, const struct zcit_xfer_params *p,
		   u32 edtl, u32 imm_len, bool final, u32 ttt_base)
{
	u32 first = min(p->first_burst, edtl);

	*x = (struct zcit_xfer){ .edtl = edtl, .want = edtl,
				 .ttt_base = ttt_base & ~0xffffU };
	if (imm_len && !p->immediate_data)
		return -EPROTO;
	if (imm_len > first)
		return -EPROTO;
	if (p->initial_r2t && !final)
		return -EPROTO;
	x->unsol_end = final ? imm_len : first;
	x->received = imm_len;
	x->r2t_next = x->unsol_end;
	x->max_burst = max(p->max_burst, 512U);
	x->max_r2t = max(p->max_r2t, 1U);
	return 0;
}

/**
 * zcit_xfer_limit() - the command takes less data than its EDTL
 * @x: the transfer, before its first R2T
 * @len: the bytes its buffer holds
 *
 * RFC 7143 11.4.5.1: when the CDB transfers less than the Expected Data
 * Transfer Length (or the target takes less), the target asks for no more
 * than it takes and reports the rest as a residual.  Unsolicited data the
 * initiator was entitled to send still arrives in full.
 */
void zcit_xfer_limit(struct zcit_xfer *x, u32 len)
{
	x->want = min(len, x->edtl);
}

/**
 * zcit_xfer_next_r2t() - the next R2T to send, if one is due
 * @x: the transfer
 * @r2t: filled in
 *
 * R2Ts ask for the data past the unsolicited part, MaxBurstLength at a
 * time, with at most @x->max_r2t outstanding (RFC 7143 13.17).
 *
 * Return: true if @r2t is to be sent.
 */
bool zcit_xfer_next_r2t(struct zcit_xfer *x, struct zcit_r2t *r2t)
{
	if (!zcit_xfer_r2t_pending(x))
		return false;
	r2t->offset = x->r2t_next;
	r2t->len = min(x->max_burst, x->want - x->r2t_next);
	r2t->r2tsn = x->r2tsn;
	r2t->ttt = x->ttt_base | (x->r2tsn & 0xffff);
	x->r2tsn++;
	x->r2t_next += r2t->len;
	return true;
}

/**
 * zcit_xfer_data_out() - check a Data-Out against what is expected
 * @x: the transfer
 * @ttt: its Target Transfer Tag
 * @datasn: its DataSN
 * @offset: its Buffer Offset
 * @len: its DataSegmentLength
 * @final: its F bit
 *
 * RFC 7143 11.7: unsolicited Data-Out carries TTT 0xffffffff and belongs
 * to the first burst; solicited Data-Out carries its R2T's TTT and stays
 * within that R2T.  DataSN counts from 0 in each sequence; F marks the
 * last PDU of a sequence, and only the last.
 *
 * Return: 0, the data is accepted; -EPROTO, a protocol error.
 */
int zcit_xfer_data_out(struct zcit_xfer *x, u32 ttt, u32 datasn, u32 offset,
		       u32 len, bool final)
{
	u32 seq_start, seq_end, n;

	if (!len || offset != x->received || len > x->edtl - offset ||
	    datasn != x->datasn)
		return -EPROTO;
	if (offset < x->unsol_end) {
		if (ttt != 0xffffffff)
			return -EPROTO;
		seq_end = x->unsol_end;
	} else {
		/* The oldest outstanding R2T's sequence. */
		if (offset >= x->r2t_next)
			return -EPROTO;
		n = x->r2t_done;
		seq_start = x->unsol_end + n * x->max_burst;
		seq_end = min(seq_start + x->max_burst, x->want);
		if (ttt != (x->ttt_base | (n & 0xffff)))
			return -EPROTO;
	}
	if (len > seq_end - offset || final != (offset + len == seq_end))
		return -EPROTO;
	x->received += len;
	x->datasn++;
	if (x->received == seq_end) {
		x->datasn = 0;
		if (offset >= x->unsol_end)
			x->r2t_done++;
	}
	return 0;
}

/**
 * zcit_datain_next() - the length of the next Data-In PDU
 * @total: bytes to send
 * @sent: bytes sent so far
 * @max_dsl: the initiator's MaxRecvDataSegmentLength
 * @max_burst: MaxBurstLength: the longest Data-In sequence
 * @seq_end: set when this PDU ends a sequence (its F bit, RFC 7143 11.7.1)
 *
 * Return: bytes for the next PDU (0 when @sent == @total).
 */
u32 zcit_datain_next(u32 total, u32 sent, u32 max_dsl, u32 max_burst,
		     bool *seq_end)
{
	u32 len, left_in_burst;

	max_dsl = max(max_dsl, 512U);
	max_burst = max(max_burst, 512U);
	if (sent >= total) {
		*seq_end = true;
		return 0;
	}
	left_in_burst = max_burst - sent % max_burst;
	len = min3(max_dsl, total - sent, left_in_burst);
	*seq_end = sent + len == total || len == left_in_burst;
	return len;
}
