/* One Avro record and its schema, shared by the encoder's and the decoders' unit tests. */
#ifndef KCON_TEST_AVRO_ORDER_H
#define KCON_TEST_AVRO_ORDER_H

#define ORDER_SCHEMA                                                                                                   \
	"{\"type\": \"record\", \"name\": \"Order\", \"namespace\": \"shop\", \"fields\": [{\"name\": \"id\", "        \
	"\"type\": "                                                                                                   \
	"\"long\"}, {\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"ts\", \"type\": {\"type\": \"long\", "    \
	"\"logicalType\": \"timestamp-millis\"}}, {\"name\": \"day\", \"type\": {\"type\": \"int\", \"logicalType\": " \
	"\"date\"}}, {\"name\": \"price\", \"type\": {\"type\": \"bytes\", \"logicalType\": \"decimal\", "             \
	"\"precision\": "                                                                                              \
	"10, \"scale\": 2}}, {\"name\": \"tags\", \"type\": {\"type\": \"array\", \"items\": \"string\"}}, "           \
	"{\"name\": "                                                                                                  \
	"\"note\", \"type\": [\"null\", \"string\"]}, {\"name\": \"kind\", \"type\": {\"type\": \"enum\", \"name\": "  \
	"\"Kind\", \"symbols\": [\"A\", \"B\"]}}, {\"name\": \"uuid\", \"type\": {\"type\": \"string\", "              \
	"\"logicalType\": \"uuid\"}}]}"
/* fastavro.schemaless_writer of {id 42, name 'café "x"', ts 2024-05-01T13:45:00.250Z, day 2024-05-01,
 * price Decimal("-12.34"), tags [a, b], note None, kind B, uuid} */
#define ORDER_BYTES                                                                                                    \
	"\x54\x12\x63\x61\x66\xc3\xa9\x20\x22\x78\x22\xb4\x81\xb6\xc6\xe6\x63\x88\xb6\x02\x04\xfb\x2e\x04\x02\x61\x02" \
	"\x62\x00\x00\x02\x48\x36\x66\x31\x63\x38\x65\x32\x61\x2d\x30\x30\x30\x30\x2d\x34\x30\x30\x30\x2d\x38\x30\x30" \
	"\x30\x2d\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x31"
#define ORDER_LEN 68

#endif
