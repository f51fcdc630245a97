// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>
static void zcit_param_placeholder(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}
static struct kunit_case zcit_param_cases[] = {
	KUNIT_CASE(zcit_param_placeholder),
	{}
};
static struct kunit_suite zcit_param_suite = {
	.name = "zcit_param",
	.test_cases = zcit_param_cases,
};
kunit_test_suites(&zcit_param_suite);
MODULE_LICENSE("GPL");
