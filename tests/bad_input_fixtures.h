#pragma once
// The broken files of the bad-input table (test_bad_input.cpp, docs/reliability.md): each builder makes one
// kind of bad input in a folder of its own from a good tiny model, timeline or token file.

#include "tiny_model.h"

#include "core/train/token_data.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <string>

#include <sys/stat.h>

namespace dlm::testing {

inline bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

inline QByteArray readBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool makeFifo(const QString &path)
{
    return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0;
}

/** A copy of the model folder `from` (plain files) as `to`. */
inline bool copyModel(const QString &from, const QString &to)
{
    if (!QDir().mkpath(to))
        return false;
    const QDir source(from);
    for (const QString &name : source.entryList(QDir::Files))
        if (!QFile::copy(source.filePath(name), to + QLatin1Char('/') + name))
            return false;
    return true;
}

/** `depth` nested arrays: the shape fuzzers use to exhaust a recursive parser's stack. */
inline QByteArray deepArray(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

/** A safetensors file: the 8-byte little-endian header length `claimed`, then `header`, then `data`. */
inline QByteArray safetensorsBytes(uint64_t claimed, const QByteArray &header, const QByteArray &data = {})
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((claimed >> (8 * i)) & 0xFF);
    return bytes + header + data;
}

inline QByteArray safetensorsBytes(const QByteArray &header, const QByteArray &data = {})
{
    return safetensorsBytes(static_cast<uint64_t>(header.size()), header, data);
}

/** config.json of `dir` with `key` set to `value`. */
inline bool editConfig(const QString &dir, const QString &key, const QJsonValue &value)
{
    const QString path = dir + QStringLiteral("/config.json");
    QJsonObject o = QJsonDocument::fromJson(readBytes(path)).object();
    o.insert(key, value);
    return writeBytes(path, QJsonDocument(o).toJson());
}

/** A protobuf length-delimited field (wire type 2) with a one- or two-byte length. */
inline QByteArray protoField(int field, const QByteArray &payload)
{
    QByteArray out(1, static_cast<char>((field << 3) | 2));
    int n = static_cast<int>(payload.size());
    while (n >= 0x80) {
        out += static_cast<char>((n & 0x7F) | 0x80);
        n >>= 7;
    }
    out += static_cast<char>(n);
    return out + payload;
}

/**
 * tokenizer.model with self-test data that cannot pass: ModelProto field 4 (SelfTestData) holding one
 * sample whose expected pieces are not what the model makes. Appending a field to a serialised message is
 * how protobuf merges, so the rest of the model stays valid.
 */
inline QByteArray withFailingSelfTest(const QByteArray &model)
{
    const QByteArray sample = protoField(1, "hello") + protoField(2, "\xE2\x96\x81no pe");
    return model + protoField(4, protoField(1, sample));
}

/** A timeline file edited as JSON: `edit` changes the root object. */
template<typename Edit> bool editTimeline(const QString &from, const QString &to, Edit edit)
{
    QJsonObject root = QJsonDocument::fromJson(readBytes(from)).object();
    if (root.isEmpty())
        return false;
    edit(root);
    return writeBytes(to, QJsonDocument(root).toJson(QJsonDocument::Compact));
}

/** The timeline `from` with its first branch claiming `records` records: the first real, the rest zeros
 *  (a reader that counts before it reads never gets to them). */
inline bool timelineClaimingRecords(const QString &from, const QString &to, int records)
{
    return editTimeline(from, to, [records](QJsonObject &root) {
        QJsonArray branches = root.value(QStringLiteral("branches")).toArray();
        QJsonObject first = branches.at(0).toObject();
        QJsonArray claimed;
        claimed.append(first.value(QStringLiteral("records")).toArray().at(0));
        for (int i = 1; i < records; ++i)
            claimed.append(0);
        first.insert(QStringLiteral("records"), claimed);
        branches[0] = first;
        root.insert(QStringLiteral("branches"), branches);
    });
}

/** A token file whose 16-byte header claims vocabulary `vocab` (a few ids follow). */
inline QByteArray tokenFileClaiming(uint32_t vocab)
{
    QByteArray bytes(kTokenDataMagic, 8);
    for (uint32_t v : {vocab, 0u})
        for (int i = 0; i < 4; ++i)
            bytes += static_cast<char>((v >> (8 * i)) & 0xFF);
    for (int i = 0; i < 4; ++i)
        bytes += QByteArray("\x01\x00\x00\x00", 4);
    return bytes;
}

} // namespace dlm::testing
