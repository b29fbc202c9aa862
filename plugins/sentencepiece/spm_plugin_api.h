#pragma once
// The C interface of the sentencepiece plugin (libdlm_spm_plugin.so). Plain C types only, so the engine
// and the plugin share no C++ ABI and no protobuf. Loaded with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND).
//
// Conventions: functions returning int return 0 on success; on failure they write a NUL-terminated message
// into `err` (at most `errCap` bytes). Functions that fill a caller buffer return the number of items the
// full answer has; when that exceeds the capacity, the caller retries with a bigger buffer.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DLM_SPM_API_VERSION 1

typedef struct dlm_spm dlm_spm;

__attribute__((visibility("default"))) int dlm_spm_api_version(void);
__attribute__((visibility("default"))) dlm_spm *dlm_spm_load(const char *path, char *err, int errCap);
__attribute__((visibility("default"))) void dlm_spm_free(dlm_spm *handle);
__attribute__((visibility("default"))) int dlm_spm_encode(const dlm_spm *handle, const char *text, int textLen, int32_t *ids, int cap);
__attribute__((visibility("default"))) int dlm_spm_decode(const dlm_spm *handle, const int32_t *ids, int count, char *out, int cap);
__attribute__((visibility("default"))) int dlm_spm_id_to_piece(const dlm_spm *handle, int32_t id, char *out, int cap);
__attribute__((visibility("default"))) int32_t dlm_spm_piece_to_id(const dlm_spm *handle, const char *piece);
__attribute__((visibility("default"))) int dlm_spm_vocab_size(const dlm_spm *handle);
__attribute__((visibility("default"))) int32_t dlm_spm_bos_id(const dlm_spm *handle);
__attribute__((visibility("default"))) int32_t dlm_spm_eos_id(const dlm_spm *handle);
__attribute__((visibility("default"))) int32_t dlm_spm_unk_id(const dlm_spm *handle);
/** Runs sentencepiece's trainer with a spm_train style argument string ("--input=... --model_prefix=..."). */
__attribute__((visibility("default"))) int dlm_spm_train(const char *args, char *err, int errCap);

#ifdef __cplusplus
}
#endif
