/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit protocol engine: the text-key codec of login and text PDUs
 * (RFC 7143 section 6.1).
 *
 * Pure code: no sockets, no LIO calls.  KUnit tests it directly.
 */
#ifndef ZCIT_TEXT_H
#define ZCIT_TEXT_H

#include <linux/types.h>
#include <linux/compiler.h>

/* RFC 7143 6.1: a key name is at most 63 bytes. */
#define ZCIT_TEXT_KEY_MAX	63
/* RFC 7143 6.1: a simple value is at most 255 bytes ... */
#define ZCIT_TEXT_VALUE_MAX	255
/* ... but CHAP's binary values (hex or base64) may be much longer. */
#define ZCIT_TEXT_LONG_VALUE_MAX	8192
/* RFC 7143 11.12.6: a login request's data segment is at most 8 KiB. */
#define ZCIT_TEXT_PDU_MAX	8192
/* Our bound on one request spread over several PDUs with the C bit. */
#define ZCIT_TEXT_TOTAL_MAX	65536

/**
 * struct zcit_text_in - a text request collected over C-bit PDUs
 * @buf: the bytes, always NUL-terminated past @len
 * @len: bytes collected
 * @cap: largest @len accepted
 */
struct zcit_text_in {
	char *buf;
	u32 len;
	u32 cap;
};

int zcit_text_in_init(struct zcit_text_in *t, u32 cap);
void zcit_text_in_free(struct zcit_text_in *t);
void zcit_text_in_reset(struct zcit_text_in *t);
int zcit_text_in_append(struct zcit_text_in *t, const void *data, u32 len);

/**
 * struct zcit_kv - one key=value pair found by zcit_text_next()
 * @key: the key, NUL-terminated, in the buffer (its '=' became a NUL)
 * @val: the value, NUL-terminated, in the buffer
 * @vlen: strlen(@val)
 */
struct zcit_kv {
	const char *key;
	const char *val;
	u32 vlen;
};

int zcit_text_next(char *buf, u32 len, u32 *pos, struct zcit_kv *kv);
bool zcit_text_key_is_long(const char *key);

/**
 * struct zcit_text_out - a text response being built, then sent in chunks
 * @buf: the bytes
 * @len: bytes written
 * @cap: size of @buf
 * @sent: bytes already handed out by zcit_text_out_chunk()
 */
struct zcit_text_out {
	char *buf;
	u32 len;
	u32 cap;
	u32 sent;
};

int zcit_text_out_init(struct zcit_text_out *o, u32 cap);
void zcit_text_out_free(struct zcit_text_out *o);
void zcit_text_out_reset(struct zcit_text_out *o);
int zcit_text_add(struct zcit_text_out *o, const char *key, const char *val);
__printf(3, 4)
int zcit_text_addf(struct zcit_text_out *o, const char *key,
		   const char *fmt, ...);
u32 zcit_text_out_chunk(struct zcit_text_out *o, u32 max, const char **data,
			bool *more);

void zcit_text_printable(char *s);

#endif /* ZCIT_TEXT_H */
