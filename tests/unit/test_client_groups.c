/* client_groups: a classic consumer's assignment bytes, as its group leader encodes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client_groups.h"

/* Version 1: topics "ab" [0, 2] and "c" [7], then user data of 2 bytes. */
static const unsigned char two_topics[] = {
	0, 1,                                                   /* version */
	0, 0, 0,   2,                                           /* topics */
	0, 2, 'a', 'b', 0,   0,   0, 2, 0, 0, 0, 0, 0, 0, 0, 2, /* "ab": 0, 2 */
	0, 1, 'c', 0,   0,   0,   1, 0, 0, 0, 7,                /* "c": 7 */
	0, 0, 0,   2,   'x', 'y',                               /* user data */
};

static void test_assignment_topics(void **state)
{
	(void)state;
	rd_kafka_topic_partition_list_t *l = client_group_assignment(two_topics, sizeof(two_topics));
	assert_non_null(l);
	assert_int_equal(l->cnt, 3);
	assert_string_equal(l->elems[0].topic, "ab");
	assert_int_equal(l->elems[0].partition, 0);
	assert_string_equal(l->elems[1].topic, "ab");
	assert_int_equal(l->elems[1].partition, 2);
	assert_string_equal(l->elems[2].topic, "c");
	assert_int_equal(l->elems[2].partition, 7);
	rd_kafka_topic_partition_list_destroy(l);
}

static void test_assignment_empty(void **state)
{
	(void)state;
	/* no bytes (a member not yet assigned) and an empty array: no partitions */
	rd_kafka_topic_partition_list_t *l = client_group_assignment(NULL, 0);
	assert_non_null(l);
	assert_int_equal(l->cnt, 0);
	rd_kafka_topic_partition_list_destroy(l);
	static const unsigned char none[] = { 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
	l = client_group_assignment(none, sizeof(none));
	assert_non_null(l);
	assert_int_equal(l->cnt, 0);
	rd_kafka_topic_partition_list_destroy(l);
}

static void test_assignment_malformed(void **state)
{
	(void)state;
	/* every cut short of the partitions is refused, never read past */
	for (size_t len = 1; len < 33; len++) {
		unsigned char *cut = malloc(len);
		memcpy(cut, two_topics, len);
		assert_null(client_group_assignment(cut, len));
		free(cut);
	}
	/* counts that claim more than the bytes hold, or are negative */
	static const unsigned char huge[] = { 0, 0, 0, 0, 0, 1, 0, 1, 'a', 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1 };
	assert_null(client_group_assignment(huge, sizeof(huge)));
	static const unsigned char neg[] = { 0, 0, 0, 0, 0, 1, 0xff, 0xff };
	assert_null(client_group_assignment(neg, sizeof(neg)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assignment_topics),
		cmocka_unit_test(test_assignment_empty),
		cmocka_unit_test(test_assignment_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
