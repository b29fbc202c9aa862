#pragma once
// Help > About: what this build is made of and which model is loaded, with a link to the model's card.

#include <QDialog>
#include <QString>
#include <QUrl>

namespace dlm {

/** The loaded model as About shows it; empty `dir` when none is loaded. */
struct AboutModel
{
    QString name;
    QString dir;
    QString summary;
};

/**
 * Where to read about the model: its README.md (a Hugging Face model card) or MODEL_CARD.md when the directory has one,
 * else the model's page on the Hugging Face hub when `name` looks like "owner/model"; empty otherwise.
 */
QUrl modelCardUrl(const AboutModel &model);
/** About's text as HTML: versions (buildVersions) and the model. */
QString aboutHtml(const AboutModel &model);

/** The About box. */
class AboutDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(const AboutModel &model, QWidget *parent = nullptr);
};

} // namespace dlm
