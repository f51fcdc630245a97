/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit protocol engine: data transfer bookkeeping for one SCSI command
 * (RFC 7143 4.2.5.2, 11.7, 11.8): which write data may come unsolicited,
 * which R2Ts to send, whether a Data-Out is the one expected; and how read
 * data is cut into Data-In PDUs and sequences.
 *
 * Pure code: no sockets, no LIO calls.  KUnit tests it directly.
 */
#ifndef ZCIT_XFER_H
#define ZCIT_XFER_H

#include <linux/minmax.h>
#include <linux/types.h>

/**
 * struct zcit_xfer_params - the session's values that shape a write
 * @initial_r2t: InitialR2T
 * @immediate_data: ImmediateData
 * @first_burst: FirstBurstLength
 * @max_burst: MaxBurstLength
 * @max_r2t: R2Ts the target keeps outstanding (at most MaxOutstandingR2T)
 */
struct zcit_xfer_params {
	bool initial_r2t;
	bool immediate_data;
	u32 first_burst;
	u32 max_burst;
	u32 max_r2t;
};

/**
 * struct zcit_xfer - the write data of one command
 * @edtl: Expected Data Transfer Length
 * @want: the data the command takes (at most @edtl): R2Ts ask for no more,
 *	and unsolicited data past it is received but dropped
 * @unsol_end: unsolicited data (immediate or Data-Out) ends here
 * @max_burst: MaxBurstLength: the size of each R2T
 * @max_r2t: R2Ts outstanding at most
 * @received: bytes received; data arrives in order (DataPDUInOrder and
 *	DataSequenceInOrder are Yes), so it is [0, @received)
 * @datasn: DataSN expected next within the current sequence
 * @r2t_next: offset the next R2T asks for
 * @r2tsn: R2TSN of the next R2T
 * @r2t_done: R2T sequences completed
 * @ttt_base: TTT of R2T number n is @ttt_base | (n & 0xffff)
 */
struct zcit_xfer {
	u32 edtl;
	u32 want;
	u32 unsol_end;
	u32 max_burst;
	u32 max_r2t;
	u32 received;
	u32 datasn;
	u32 r2t_next;
	u32 r2tsn;
	u32 r2t_done;
	u32 ttt_base;
};

/**
 * struct zcit_r2t - one R2T to send
 * @ttt: Target Transfer Tag
 * @r2tsn: R2TSN
 * @offset: Buffer Offset
 * @len: Desired Data Transfer Length
 */
struct zcit_r2t {
	u32 ttt;
	u32 r2tsn;
	u32 offset;
	u32 len;
};

int zcit_xfer_init(struct zcit_xfer *x, const struct zcit_xfer_params *p,
		   u32 edtl, u32 imm_len, bool final, u32 ttt_base);
void zcit_xfer_limit(struct zcit_xfer *x, u32 len);
bool zcit_xfer_next_r2t(struct zcit_xfer *x, struct zcit_r2t *r2t);
int zcit_xfer_data_out(struct zcit_xfer *x, u32 ttt, u32 datasn, u32 offset,
		       u32 len, bool final);

/**
 * zcit_xfer_done() - has all the write data arrived?
 * @x: the transfer
 *
 * Return: true when it has.
 */
static inline bool zcit_xfer_done(const struct zcit_xfer *x)
{
	return x->received == max(x->want, x->unsol_end);
}

/**
 * zcit_xfer_r2t_pending() - does the transfer wait for R2Ts to be sent?
 * @x: the transfer
 *
 * Return: true when zcit_xfer_next_r2t() would give one now.
 */
static inline bool zcit_xfer_r2t_pending(const struct zcit_xfer *x)
{
	return x->r2t_next < x->want &&
	       x->r2tsn - x->r2t_done < x->max_r2t;
}

u32 zcit_datain_next(u32 total, u32 sent, u32 max_dsl, u32 max_burst,
		     bool *seq_end);

#endif /* ZCIT_XFER_H */
