// Fuzzes a safetensors file (8-byte header length, JSON header, data) as SafetensorsFile::open reads it.
#include "core/model/safetensors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    auto file = SafetensorsFile::fromBytes(data, size, "model.safetensors");
    if (!file) {
        fuzz::checkMessage(file.error());
        return 0;
    }
    // What the loader promises of an accepted file: every tensor lies inside the input and is as big as its
    // shape says. Touching its first and last byte lets AddressSanitizer check the first promise.
    volatile uint8_t sink = 0;
    for (const auto &[name, view] : (*file)->tensors()) {
        fuzz::check(view.data >= data + 8 && view.data + view.byteSize <= data + size, "tensor outside the file", name);
        fuzz::check(uint64_t(view.elementCount()) * tensorDTypeSize(view.dtype) == view.byteSize,
            "tensor size does not match its shape", name);
        if (view.byteSize) {
            sink = sink + view.data[0];
            sink = sink + view.data[view.byteSize - 1];
        }
    }
    return 0;
}
