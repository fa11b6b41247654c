/* SPDX-License-Identifier: MIT */
/* fuzz_loader: libFuzzer target for the ELF loader, the decoder and the CFG builder.
 *
 * Build and run with `make fuzz` (clang, -fsanitize=fuzzer,address,undefined). Every input is
 * opened from memory; every program is decoded, printed and its CFG built. Any crash, leak or
 * sanitizer report is a bug: malformed input must only ever produce an error status.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dracoverify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    draco_object *obj = NULL;
    draco_error err = {0};
    if (draco_object_open_mem(data, size, NULL, &err, &obj) != DRACO_OK)
        return 0;
    FILE *null = fopen("/dev/null", "w");
    for (size_t i = 0; i < draco_object_program_count(obj); i++) {
        const draco_program *p = draco_object_program(obj, i);
        draco_program_stats st;
        draco_error e = {0};
        (void)draco_program_compute_stats(p, &e, &st);
        if (null) {
            (void)draco_program_print(p, DRACO_PRINT_ASM, 0, null, &e);
            (void)draco_program_print(p, DRACO_PRINT_CFG, DRACO_PRINT_JSON, null, &e);
        }
    }
    if (null)
        fclose(null);
    draco_object_destroy(obj);
    return 0;
}
