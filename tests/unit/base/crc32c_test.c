/* crc32c_test.c — unit tests for base/crc32c: published check values, incremental use,
 * and agreement of the hardware and table paths on every length and alignment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crc32c.h"
#include "test_util.h"

static void crc32c_matches_known_vectors(void **state)
{
    (void)state;
    uint8_t zeros[32], ones[32];
    memset(zeros, 0, sizeof zeros);
    memset(ones, 0xff, sizeof ones);
    assert_int_equal(crc32c_update(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(crc32c_update(0, zeros, sizeof zeros), 0x8A9136AAu);
    assert_int_equal(crc32c_update(0, ones, sizeof ones), 0x62A8AB43u);
    assert_int_equal(crc32c_update_table(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(crc32c_update_table(0, zeros, sizeof zeros), 0x8A9136AAu);
    assert_int_equal(crc32c_update_table(0, ones, sizeof ones), 0x62A8AB43u);
}

static void crc32c_of_nothing_is_zero_and_keeps_the_running_value(void **state)
{
    (void)state;
    assert_int_equal(crc32c_update(0, NULL, 0), 0);
    assert_int_equal(crc32c_update(0xE3069283u, "", 0), 0xE3069283u);
}

static void crc32c_incremental_equals_one_shot(void **state)
{
    (void)state;
    const char *text = "The quick brown fox jumps over the lazy dog, twice over and again";
    size_t len = strlen(text);
    uint32_t whole = crc32c_update(0, text, len);
    for (size_t split = 0; split <= len; split++) {
        uint32_t crc = crc32c_update(0, text, split);
        assert_int_equal(crc32c_update(crc, text + split, len - split), whole);
        crc = crc32c_update_table(0, text, split);
        assert_int_equal(crc32c_update_table(crc, text + split, len - split), whole);
    }
}

static void crc32c_hardware_and_table_agree_on_all_lengths_and_alignments(void **state)
{
    (void)state;
    unsigned seed = 20261124;
    printf("seed %u, hardware crc32: %s\n", seed, crc32c_has_hw() ? "yes" : "no");
    srand(seed);
    static uint8_t buf[1024 + 16];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)rand();
    }
    for (size_t offset = 0; offset < 8; offset++) {
        for (size_t len = 0; len <= 1024; len++) {
            uint32_t table = crc32c_update_table(0, buf + offset, len);
            assert_int_equal(crc32c_update(0, buf + offset, len), table);
            if (crc32c_has_hw())
                assert_int_equal(crc32c_update_hw(0, buf + offset, len), table);
        }
    }
}

static void crc32c_detects_a_single_flipped_bit(void **state)
{
    (void)state;
    uint8_t buf[256];
    memset(buf, 0x5a, sizeof buf);
    uint32_t clean = crc32c_update(0, buf, sizeof buf);
    for (size_t bit = 0; bit < sizeof buf * 8; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_not_equal(crc32c_update(0, buf, sizeof buf), clean);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(crc32c_matches_known_vectors),
            cmocka_unit_test(crc32c_of_nothing_is_zero_and_keeps_the_running_value),
            cmocka_unit_test(crc32c_incremental_equals_one_shot),
            cmocka_unit_test(crc32c_hardware_and_table_agree_on_all_lengths_and_alignments),
            cmocka_unit_test(crc32c_detects_a_single_flipped_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
