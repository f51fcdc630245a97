// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol engine: the text-key codec of login and text PDUs
 * (RFC 7143 section 6.1).
 *
 * Pure code: no sockets, no LIO calls.  KUnit tests it directly.
 *
 * A request's data segment is a sequence of "key=value" pairs, each ended
 * by a NUL; it may be spread over several PDUs with the C (continue) bit
 * set, a pair possibly split between two of them (RFC 7143 6.1, 11.10.2,
 * 11.12.2).  zcit_text_in collects those segments, zcit_text_next() walks
 * the result in place, zcit_text_out builds the answer and hands it out in
 * PDU-sized chunks.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <zcit/text.h>

/**
 * zcit_text_in_init() - allocate the buffer of a text request
 * @t: the request
 * @cap: largest number of bytes the request may hold, 1 to
 *	%ZCIT_TEXT_TOTAL_MAX
 *
 * Return: 0, -EINVAL for a bad @cap, or -ENOMEM.
 */
int zcit_text_in_init(struct zcit_text_in *t, u32 cap)
{
	t->buf = NULL;
	t->len = 0;
	t->cap = 0;
	if (!cap || cap > ZCIT_TEXT_TOTAL_MAX)
		return -EINVAL;
	/* One more byte for the guard NUL past the data. */
	t->buf = kvmalloc(cap + 1, GFP_KERNEL);
	if (!t->buf)
		return -ENOMEM;
	t->buf[0] = '\0';
	t->cap = cap;
	return 0;
}

/**
 * zcit_text_in_free() - free the buffer of a text request
 * @t: the request; may never have been initialised successfully
 */
void zcit_text_in_free(struct zcit_text_in *t)
{
	kvfree(t->buf);
	t->buf = NULL;
	t->len = 0;
	t->cap = 0;
}

/**
 * zcit_text_in_reset() - empty a text request, keeping its buffer
 * @t: the request
 */
void zcit_text_in_reset(struct zcit_text_in *t)
{
	t->len = 0;
	if (t->buf)
		t->buf[0] = '\0';
}

/**
 * zcit_text_in_append() - add the data segment of one more PDU
 * @t: the request
 * @data: the bytes (may hold NULs)
 * @len: how many
 *
 * The request stays unchanged on error: nothing is appended partially.
 *
 * Return: 0, or -E2BIG if the request would exceed its capacity (the
 * caller then rejects the login or text request).
 */
int zcit_text_in_append(struct zcit_text_in *t, const void *data, u32 len)
{
	if (!t->buf)
		return -EINVAL;
	if (len > t->cap - t->len)
		return -E2BIG;
	memcpy(t->buf + t->len, data, len);
	t->len += len;
	t->buf[t->len] = '\0';
	return 0;
}

/*
 * RFC 7143 6.1: key-name characters are letters, digits, '.', '-', '+',
 * '@' and '_'.  The "X#" prefix of IANA-registered keys (RFC 7143 13.22,
 * 13.26: X#NodeArchitecture) is accepted too, so that those keys can be
 * answered NotUnderstood rather than failing the login.
 */
static bool zcit_key_char_ok(const char *key, u32 i)
{
	char c = key[i];

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	if (c == '.' || c == '-' || c == '+' || c == '@' || c == '_')
		return true;
	return c == '#' && i == 1 && key[0] == 'X';
}

/**
 * zcit_text_key_is_long() - whether a key's value may exceed 255 bytes
 * @key: the key name
 *
 * RFC 7143 6.1 bounds a simple value to 255 bytes "if not otherwise
 * specified"; CHAP's challenge and response (RFC 7143 12.1.3) are binary
 * values whose hex or base64 form may be longer.  CHAP_N is a name and
 * keeps the 255-byte bound.
 *
 * Return: true for CHAP_C and CHAP_R (bounded by
 * %ZCIT_TEXT_LONG_VALUE_MAX instead).
 */
bool zcit_text_key_is_long(const char *key)
{
	return !strcmp(key, "CHAP_C") || !strcmp(key, "CHAP_R");
}

/**
 * zcit_text_next() - find the next key=value pair of a text request
 * @buf: the data, modified in place: the '=' of a pair returned becomes a NUL
 * @len: bytes of data in @buf; nothing at or past @buf[@len] is read
 * @pos: where to continue; 0 for the first call, updated on success
 * @kv: filled with the pair found
 *
 * RFC 7143 6.1: every pair, the last included, ends with a NUL; NULs
 * between or after pairs (padding) are skipped.  A key is 1 to
 * %ZCIT_TEXT_KEY_MAX bytes of letters, digits, '.', '-', '+', '@', '_'
 * (or starts "X#"), followed by '='.  The value is everything up to the
 * NUL, '=' included (base64 CHAP values end with '='), at most
 * %ZCIT_TEXT_VALUE_MAX bytes, or %ZCIT_TEXT_LONG_VALUE_MAX for the keys of
 * zcit_text_key_is_long().
 *
 * An empty value ("key=") is returned as such: RFC 7143 6.1 text-value and
 * iSCSI-local-name-value may be empty, so whether it is valid depends on
 * the key, and the caller's per-key checks decide (an empty number,
 * boolean or list is invalid there).
 *
 * Return: 1 with a pair in @kv, 0 at the end of the data, or -EINVAL for
 * malformed data (missing '=', empty, too long or badly spelt key, value
 * too long, last pair without its NUL): the caller must fail the login
 * with an initiator error.
 */
int zcit_text_next(char *buf, u32 len, u32 *pos, struct zcit_kv *kv)
{
	u32 p = *pos, klen, vlen, vmax, i;
	char *start, *end, *eq;

	while (p < len && buf[p] == '\0')
		p++;
	if (p >= len) {
		*pos = len;
		return 0;
	}

	start = buf + p;
	end = memchr(start, '\0', len - p);
	if (!end)
		return -EINVAL;
	eq = memchr(start, '=', end - start);
	if (!eq)
		return -EINVAL;

	klen = eq - start;
	if (!klen || klen > ZCIT_TEXT_KEY_MAX)
		return -EINVAL;
	for (i = 0; i < klen; i++)
		if (!zcit_key_char_ok(start, i))
			return -EINVAL;

	vlen = end - eq - 1;
	/* The key must be a string before zcit_text_key_is_long(). */
	*eq = '\0';
	vmax = zcit_text_key_is_long(start) ? ZCIT_TEXT_LONG_VALUE_MAX :
					      ZCIT_TEXT_VALUE_MAX;
	if (vlen > vmax) {
		*eq = '=';
		return -EINVAL;
	}

	kv->key = start;
	kv->val = eq + 1;
	kv->vlen = vlen;
	*pos = end - buf + 1;
	return 1;
}

/**
 * zcit_text_out_init() - allocate the buffer of a text response
 * @o: the response
 * @cap: its fixed size in bytes, 1 to %ZCIT_TEXT_TOTAL_MAX
 *
 * Return: 0, -EINVAL for a bad @cap, or -ENOMEM.
 */
int zcit_text_out_init(struct zcit_text_out *o, u32 cap)
{
	o->buf = NULL;
	o->len = 0;
	o->cap = 0;
	o->sent = 0;
	if (!cap || cap > ZCIT_TEXT_TOTAL_MAX)
		return -EINVAL;
	o->buf = kvmalloc(cap, GFP_KERNEL);
	if (!o->buf)
		return -ENOMEM;
	o->cap = cap;
	return 0;
}

/**
 * zcit_text_out_free() - free the buffer of a text response
 * @o: the response; may never have been initialised successfully
 */
void zcit_text_out_free(struct zcit_text_out *o)
{
	kvfree(o->buf);
	o->buf = NULL;
	o->len = 0;
	o->cap = 0;
	o->sent = 0;
}

/**
 * zcit_text_out_reset() - empty a text response, keeping its buffer
 * @o: the response
 */
void zcit_text_out_reset(struct zcit_text_out *o)
{
	o->len = 0;
	o->sent = 0;
}

/**
 * zcit_text_add() - append "key=value\0" to a text response
 * @o: the response
 * @key: the key
 * @val: its value
 *
 * Return: 0, or -ENOSPC if the pair does not fit; then nothing is written.
 */
int zcit_text_add(struct zcit_text_out *o, const char *key, const char *val)
{
	size_t klen = strlen(key), vlen = strlen(val);

	if (!o->buf || klen + vlen + 2 > o->cap - o->len)
		return -ENOSPC;
	memcpy(o->buf + o->len, key, klen);
	o->buf[o->len + klen] = '=';
	memcpy(o->buf + o->len + klen + 1, val, vlen);
	o->buf[o->len + klen + 1 + vlen] = '\0';
	o->len += klen + vlen + 2;
	return 0;
}

/**
 * zcit_text_addf() - append "key=<formatted value>\0" to a text response
 * @o: the response
 * @key: the key
 * @fmt: printf format of the value
 *
 * Return: 0, or -ENOSPC if the pair does not fit; then nothing is written.
 */
int zcit_text_addf(struct zcit_text_out *o, const char *key,
		   const char *fmt, ...)
{
	size_t klen = strlen(key), vlen;
	va_list ap;

	va_start(ap, fmt);
	vlen = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);

	if (!o->buf || klen + vlen + 2 > o->cap - o->len)
		return -ENOSPC;
	memcpy(o->buf + o->len, key, klen);
	o->buf[o->len + klen] = '=';
	va_start(ap, fmt);
	/* vlen + 1 bytes: vsnprintf() writes the NUL that ends the pair. */
	vsnprintf(o->buf + o->len + klen + 1, vlen + 1, fmt, ap);
	va_end(ap);
	o->len += klen + vlen + 2;
	return 0;
}

/**
 * zcit_text_out_chunk() - the next piece of a text response, for one PDU
 * @o: the response
 * @max: largest piece wanted (the peer's MaxRecvDataSegmentLength, or
 *	8192 during login: RFC 7143 11.13.5)
 * @data: set to the start of the piece
 * @more: set when bytes remain after this piece: the PDU carrying it needs
 *	the C bit (RFC 7143 11.13.2, 11.11.2)
 *
 * Pieces are cut at @max bytes, regardless of pair boundaries, which RFC
 * 7143 6.1 allows.
 *
 * Return: the length of the piece, 0 once everything was handed out.
 */
u32 zcit_text_out_chunk(struct zcit_text_out *o, u32 max, const char **data,
			bool *more)
{
	u32 n = min(max, o->len - o->sent);

	*data = o->buf + o->sent;
	o->sent += n;
	*more = o->sent < o->len;
	return n;
}

/**
 * zcit_text_printable() - make a received value safe to print on a line
 * @s: the value (NUL-terminated), changed in place
 *
 * Each ASCII control character (newline, carriage return, escape, ...)
 * becomes '?'; UTF-8 sequences are kept.
 */
void zcit_text_printable(char *s)
{
	for (; *s; s++)
		if ((u8)*s < 0x20 || *s == 0x7f)
			*s = '?';
}
