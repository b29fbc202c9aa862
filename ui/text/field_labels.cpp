#include "ui/text/field_labels.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace dlm {

namespace {

struct FieldName
{
    const char *setting; ///< as core and the CLI spell it
    const char *label; ///< as the panel's form labels it
};

// Longer names first, so "cfg scale" is replaced before a shorter name could match inside it.
const FieldName kFields[] = {
    {"gen-length", QT_TRANSLATE_NOOP("FieldLabels", "Gen length")},
    {"gen_length", QT_TRANSLATE_NOOP("FieldLabels", "Gen length")},
    {"block-length", QT_TRANSLATE_NOOP("FieldLabels", "Block length")},
    {"block_length", QT_TRANSLATE_NOOP("FieldLabels", "Block length")},
    {"cfg scale", QT_TRANSLATE_NOOP("FieldLabels", "CFG scale")},
    {"cfg-scale", QT_TRANSLATE_NOOP("FieldLabels", "CFG scale")},
    {"cfg_scale", QT_TRANSLATE_NOOP("FieldLabels", "CFG scale")},
    {"top-k", QT_TRANSLATE_NOOP("FieldLabels", "Top-k recorded")},
    {"top_k", QT_TRANSLATE_NOOP("FieldLabels", "Top-k recorded")},
    {"threshold", QT_TRANSLATE_NOOP("FieldLabels", "Threshold τ")},
    {"temperature", QT_TRANSLATE_NOOP("FieldLabels", "Temperature")},
    {"steps", QT_TRANSLATE_NOOP("FieldLabels", "Steps")},
    {"threads", QT_TRANSLATE_NOOP("FieldLabels", "Threads")},
    {"remasking", QT_TRANSLATE_NOOP("FieldLabels", "Remasking")},
    {"seed", QT_TRANSLATE_NOOP("FieldLabels", "Seed")},
};

struct MeasureLabel
{
    ConfidenceMeasure measure;
    const char *label;
};

const MeasureLabel kMeasures[] = {
    {ConfidenceMeasure::LowConfidence, QT_TRANSLATE_NOOP("FieldLabels", "Low confidence (probability)")},
    {ConfidenceMeasure::Margin, QT_TRANSLATE_NOOP("FieldLabels", "Margin (top-1 − top-2)")},
    {ConfidenceMeasure::Entropy, QT_TRANSLATE_NOOP("FieldLabels", "Entropy")},
    {ConfidenceMeasure::Random, QT_TRANSLATE_NOOP("FieldLabels", "Random")},
};

QString translated(const char *text)
{
    return QCoreApplication::translate("FieldLabels", text);
}

} // namespace

QString fieldLabel(const QString &settingName)
{
    for (const FieldName &f : kFields) {
        if (settingName == QLatin1String(f.setting))
            return translated(f.label);
    }
    return {};
}

QString withFieldLabels(const QString &message)
{
    QString out = message;
    for (const FieldName &f : kFields) {
        // Whole names only: "steps" inside "timesteps" or a path stays as it is.
        const QRegularExpression name(
            QStringLiteral("(?<![\\w-])%1(?![\\w-])").arg(QRegularExpression::escape(QLatin1String(f.setting))));
        out.replace(name, translated(f.label));
    }
    for (const MeasureLabel &m : kMeasures) {
        // Only where the name is used as a measure's name: "minus the entropy" stays a word.
        const QRegularExpression name(QStringLiteral("(?<!\\w)%1(?= measure)")
                                          .arg(QRegularExpression::escape(QLatin1String(measureName(m.measure)))));
        out.replace(name, translated(m.label));
    }
    return out;
}

QString measureLabel(ConfidenceMeasure measure)
{
    for (const MeasureLabel &m : kMeasures) {
        if (m.measure == measure)
            return translated(m.label);
    }
    return QString::fromUtf8(measureName(measure));
}

} // namespace dlm
