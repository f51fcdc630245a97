/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: differences between the kernels zcit supports (Debian 12's 6.1 and
 * 6.12), kept in one place.  The ZCIT_HAVE_* macros come from conftests
 * in Kbuild that look for each API in the headers being built against.
 */
#ifndef ZCIT_COMPAT_H
#define ZCIT_COMPAT_H

#include <linux/gfp.h>
#include <linux/mm.h>

/* 6.12 moved <asm/unaligned.h> to <linux/unaligned.h>. */
#ifdef ZCIT_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.10 added per-fabric submission control to target_core_fabric_ops
 * (direct_submit_supp, default_submit_type).  zcit submits from its own
 * io work, so it asks LIO to run commands directly where it can.
 */
#ifdef ZCIT_HAVE_SUBMIT_TYPE
#define ZCIT_FABRIC_SUBMIT_OPS					\
	.direct_submit_supp = 1,				\
	.default_submit_type = TARGET_DIRECT_SUBMIT,
#else
#define ZCIT_FABRIC_SUBMIT_OPS
#endif

/*
 * kernel_sendpage() was removed in 6.5; from then on TCP honours
 * MSG_SPLICE_PAGES.  6.1 defines MSG_SPLICE_PAGES but ignores it, so the
 * choice follows kernel_sendpage(), never #ifdef MSG_SPLICE_PAGES.
 */
#ifdef ZCIT_HAVE_KERNEL_SENDPAGE
#define ZCIT_USE_SPLICE_PAGES	0
#else
#define ZCIT_USE_SPLICE_PAGES	1
#endif

/*
 * iscsi_target_mod dropped its unused attrib/netif_timeout after 6.1;
 * zcit's tree follows the LIO of the kernel it is built for, so that
 * targetcli saves and restores the same attributes on both.
 */
#ifdef ZCIT_HAVE_NETIF_TIMEOUT
#define ZCIT_TPG_NETIF_TIMEOUT	1
#else
#define ZCIT_TPG_NETIF_TIMEOUT	0
#endif

/*
 * page_frag_cache_drain() came in 6.9; before, a cache is drained by hand
 * the way its users (networking drivers) did it.
 */
#ifdef ZCIT_HAVE_PAGE_FRAG_CACHE_DRAIN
static inline void zcit_page_frag_cache_drain(struct page_frag_cache *nc)
{
	page_frag_cache_drain(nc);
}
#else
static inline void zcit_page_frag_cache_drain(struct page_frag_cache *nc)
{
	if (nc->va)
		__page_frag_cache_drain(virt_to_head_page(nc->va),
					nc->pagecnt_bias);
	nc->va = NULL;
}
#endif

/*
 * 6.10 dropped the source argument of a trace event's __assign_str(): the
 * one given to __string() is used.
 */
#ifdef ZCIT_HAVE_ASSIGN_STR_1
#define ZCIT_ASSIGN_STR(dst, src)	__assign_str(dst)
#else
#define ZCIT_ASSIGN_STR(dst, src)	__assign_str(dst, src)
#endif

#endif /* ZCIT_COMPAT_H */
