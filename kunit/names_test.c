// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>
static void zcit_names_placeholder(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}
static struct kunit_case zcit_names_cases[] = {
	KUNIT_CASE(zcit_names_placeholder),
	{}
};
static struct kunit_suite zcit_names_suite = {
	.name = "zcit_names",
	.test_cases = zcit_names_cases,
};
kunit_test_suites(&zcit_names_suite);
