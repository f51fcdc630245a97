// SPDX-License-Identifier: GPL-2.0
/*
 * zcit: iSCSI names, TPG tags and network portal names.
 *
 * Pure code (no sockets, no LIO): parses what an administrator writes as
 * configfs directory names.  KUnit tests it directly.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <net/net_namespace.h>
#include <net/ipv6.h>
#include <zcit/names.h>

/*
 * RFC 7143 4.2.7.2 (iqn.), 4.2.7.3 (eui.) and 4.2.7.4 / RFC 3980 (naa.):
 *   iqn.yyyy-mm.reversed.domain[:anything]
 *   eui.<16 hex digits>
 *   naa.<16 or 32 hex digits>
 * The characters allowed after stringprep are ASCII letters, digits,
 * '-', '.', ':' (RFC 3722); we also accept upper case, which LIO keeps as
 * given, and '_' which some initiators use in the unique part.
 */
static bool zcit_all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit(s[i]))
			return false;
	return true;
}

static bool zcit_iqn_char(char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == ':' || c == '_';
}

/**
 * zcit_check_iscsi_name() - is @name a well-formed iSCSI name?
 * @name: NUL-terminated candidate
 *
 * Return: 0 if @name is an iqn., eui. or naa. name of at most
 * %ZCIT_ISCSI_NAME_MAX bytes, -EINVAL otherwise.
 */
int zcit_check_iscsi_name(const char *name)
{
	size_t len, i;

	if (!name)
		return -EINVAL;
	len = strnlen(name, ZCIT_ISCSI_NAME_MAX + 1);
	if (len == 0 || len > ZCIT_ISCSI_NAME_MAX)
		return -EINVAL;

	if (!strncasecmp(name, "eui.", 4))
		return len == 4 + 16 && zcit_all_hex(name + 4, 16) ?
		       0 : -EINVAL;
	if (!strncasecmp(name, "naa.", 4))
		return (len == 4 + 16 || len == 4 + 32) &&
		       zcit_all_hex(name + 4, len - 4) ? 0 : -EINVAL;
	if (strncasecmp(name, "iqn.", 4))
		return -EINVAL;

	/* "iqn." yyyy "-" mm "." naming-authority */
	if (len < 4 + 8 + 1)
		return -EINVAL;
	for (i = 4; i < 8; i++)
		if (!isdigit(name[i]))
			return -EINVAL;
	if (name[8] != '-' || !isdigit(name[9]) || !isdigit(name[10]) ||
	    name[11] != '.')
		return -EINVAL;
	if ((name[9] - '0') * 10 + (name[10] - '0') < 1 ||
	    (name[9] - '0') * 10 + (name[10] - '0') > 12)
		return -EINVAL;
	if (!isalnum(name[12]))
		return -EINVAL;
	for (i = 12; i < len; i++)
		if (!zcit_iqn_char(name[i]))
			return -EINVAL;
	return 0;
}

/**
 * zcit_parse_tpgt() - parse a "tpgt_N" directory name
 * @name: the name
 * @tpgt: the tag, set only on success
 *
 * Return: 0, or -EINVAL unless @name is "tpgt_" and a decimal number in
 * 0..65535 (RFC 7143 13.9: the tag is 16 bits), as iscsi_target_mod takes.
 */
int zcit_parse_tpgt(const char *name, u16 *tpgt)
{
	u16 v;

	if (strncmp(name, "tpgt_", 5) || !isdigit(name[5]))
		return -EINVAL;
	if (kstrtou16(name + 5, 10, &v))
		return -EINVAL;
	*tpgt = v;
	return 0;
}

/**
 * zcit_parse_portal() - parse an np/ directory name
 * @name: "a.b.c.d:port" or "[v6addr]:port"
 * @ss: the parsed address, set only on success
 *
 * Return: 0, or -EINVAL (-EOVERFLOW if longer than %ZCIT_PORTAL_NAME_MAX).
 */
int zcit_parse_portal(const char *name, struct sockaddr_storage *ss)
{
	char buf[ZCIT_PORTAL_NAME_MAX + 1];
	struct sockaddr_storage tmp = {};
	char *ip, *port;
	size_t len = strnlen(name, ZCIT_PORTAL_NAME_MAX + 1);
	u16 portnum;

	if (len > ZCIT_PORTAL_NAME_MAX)
		return -EOVERFLOW;
	memcpy(buf, name, len + 1);

	if (buf[0] == '[') {
		char *end = strchr(buf, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		*end = '\0';
		ip = buf + 1;
		port = end + 2;
		if (!strchr(ip, ':'))
			return -EINVAL;
	} else {
		port = strrchr(buf, ':');
		if (!port)
			return -EINVAL;
		*port++ = '\0';
		ip = buf;
		if (strchr(ip, ':'))
			return -EINVAL;
	}
	/* Decimal, no leading zeros (inet_pton_with_scope() would read octal). */
	if (!*ip || !isdigit(*port) || (port[0] == '0' && port[1]) ||
	    kstrtou16(port, 10, &portnum))
		return -EINVAL;

	if (inet_pton_with_scope(&init_net, buf[0] == '[' ? AF_INET6 : AF_INET,
				 ip, port, &tmp))
		return -EINVAL;
	*ss = tmp;
	return 0;
}

/**
 * zcit_sockaddr_equal() - same family, address and port?
 * @a: one address
 * @b: the other
 *
 * Return: true if @a and @b name the same IPv4 or IPv6 endpoint.
 */
bool zcit_sockaddr_equal(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr) &&
		       x->sin6_scope_id == y->sin6_scope_id;
	}
	return false;
}

/**
 * zcit_sockaddr_is_wildcard() - is this 0.0.0.0 or [::]?
 * @ss: the address
 *
 * Return: true for an IPv4 or IPv6 wildcard address.
 */
bool zcit_sockaddr_is_wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return ipv6_addr_any(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return false;
}

/**
 * zcit_sockaddr_unmap() - an IPv4-mapped IPv6 address as the IPv4 one
 * @ss: the address, rewritten in place when it is [::ffff:a.b.c.d]:p
 *
 * A dual-stack socket ([::]:p) reports IPv4 peers and the local address
 * they reached as IPv4-mapped IPv6 addresses; zcit keeps them as IPv4.
 */
void zcit_sockaddr_unmap(struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (ss->ss_family != AF_INET6 || !ipv6_addr_v4mapped(&sin6->sin6_addr))
		return;
	sin.sin_port = sin6->sin6_port;
	sin.sin_addr.s_addr = sin6->sin6_addr.s6_addr32[3];
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sin, sizeof(sin));
}

/**
 * zcit_sockaddr_is_link_local() - is this an IPv6 link-local address?
 * @ss: the address
 *
 * Return: true for fe80::/10.
 */
bool zcit_sockaddr_is_link_local(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;

	return ss->ss_family == AF_INET6 &&
	       (sin6->sin6_addr.s6_addr32[0] & htonl(0xffc00000)) ==
	       htonl(0xfe800000);
}

static __be16 zcit_sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port;
	return ((const struct sockaddr_in6 *)ss)->sin6_port;
}

/**
 * zcit_portal_match() - does a portal serve a connection's local address?
 * @portal: the portal's address (an IPv4-mapped one counts as IPv4)
 * @local: the address a connection arrived on, unmapped
 *	(zcit_sockaddr_unmap())
 *
 * The port must be the same.  Then, from the best match down: the same
 * address (and IPv6 scope); the wildcard of @local's family (0.0.0.0 for
 * IPv4, [::] for IPv6); [::] for an IPv4 @local, since an IPv6 wildcard
 * portal is dual-stack.
 *
 * Return: %ZCIT_PORTAL_EXACT, %ZCIT_PORTAL_WILDCARD,
 * %ZCIT_PORTAL_DUAL_STACK, or 0 when @portal does not serve @local.
 */
int zcit_portal_match(const struct sockaddr_storage *portal,
		      const struct sockaddr_storage *local)
{
	struct sockaddr_storage p = *portal;

	zcit_sockaddr_unmap(&p);
	if ((p.ss_family != AF_INET && p.ss_family != AF_INET6) ||
	    (local->ss_family != AF_INET && local->ss_family != AF_INET6) ||
	    zcit_sockaddr_port(&p) != zcit_sockaddr_port(local))
		return 0;
	if (zcit_sockaddr_equal(&p, local))
		return ZCIT_PORTAL_EXACT;
	if (!zcit_sockaddr_is_wildcard(&p))
		return 0;
	if (p.ss_family == local->ss_family)
		return ZCIT_PORTAL_WILDCARD;
	return p.ss_family == AF_INET6 ? ZCIT_PORTAL_DUAL_STACK : 0;
}

/**
 * zcit_portal_advertise() - the TargetAddress to give for a portal
 * @portal: the portal's address
 * @local: the address the asking (discovery) connection arrived on,
 *	unmapped (zcit_sockaddr_unmap())
 * @out: the address to advertise, set when true is returned
 *
 * SendTargets must only give addresses the initiator can use.  A wildcard
 * portal is given as @local with the portal's port, and only if it serves
 * that address (0.0.0.0 serves no IPv6 initiator); never as 0.0.0.0 or
 * [::].  An IPv6 link-local address means nothing off its link and
 * interface: it is given only if it is the one the initiator reached.
 *
 * Return: whether to advertise @portal at all.
 */
bool zcit_portal_advertise(const struct sockaddr_storage *portal,
			   const struct sockaddr_storage *local,
			   struct sockaddr_storage *out)
{
	struct sockaddr_storage a = *portal;

	zcit_sockaddr_unmap(&a);
	if (a.ss_family != AF_INET && a.ss_family != AF_INET6)
		return false;
	if (zcit_sockaddr_is_wildcard(&a)) {
		__be16 port = zcit_sockaddr_port(&a);

		a = *local;
		if (a.ss_family == AF_INET)
			((struct sockaddr_in *)&a)->sin_port = port;
		else if (a.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&a)->sin6_port = port;
		else
			return false;
		if (!zcit_portal_match(portal, &a))
			return false;
	}
	if (zcit_sockaddr_is_link_local(&a)) {
		const struct sockaddr_in6 *x = (const void *)&a;
		const struct sockaddr_in6 *y = (const void *)local;

		if (local->ss_family != AF_INET6 ||
		    !ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr) ||
		    x->sin6_scope_id != y->sin6_scope_id)
			return false;
	}
	*out = a;
	return true;
}
