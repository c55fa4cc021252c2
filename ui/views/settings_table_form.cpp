// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/settings_table_form.h"

#include "string_convert.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace rlrf::ui {

namespace {

QString tooltipOf(const FormField &f)
{
    QString tip = toQString(f.help);
    const auto range = options::describeRange(f.kind, f.minimum, f.maximum, f.minExclusive);
    if (!range.empty())
        tip += QStringLiteral("\n") + QObject::tr("Accepted: %1").arg(toQString(range));
    return tip;
}

const char *const kErrorStyle = "background: #fde2e1;";

} // namespace

SettingsTableForm::SettingsTableForm(std::vector<FormField> fields, const QString &objectPrefix, QWidget *parent)
    : QWidget(parent), m_layout(new QFormLayout), m_error(new QLabel(this))
{
    m_error->setObjectName(objectPrefix + QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #a4262c;"));
    m_error->hide();
    m_layout->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    for (auto &field : fields) {
        Row row;
        row.field = field;
        row.editor = makeEditor(field);
        row.editor->setObjectName(objectPrefix + toQString(field.flag));
        row.editor->setToolTip(tooltipOf(field));
        row.label = new QLabel(QStringLiteral("--") + toQString(field.flag), this);
        row.label->setToolTip(row.editor->toolTip());
        row.label->setBuddy(row.editor);
        m_layout->addRow(row.label, row.editor);
        m_rows.push_back(row);
    }
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_layout);
    layout->addWidget(m_error);
    resetToDefaults();
}

QWidget *SettingsTableForm::makeEditor(const FormField &f)
{
    using options::Kind;
    switch (f.kind) {
    case Kind::Integer: {
        // A spin box shows the range; a field wider than int stays a line edit.
        if (f.minimum >= INT_MIN && (std::isinf(f.maximum) || f.maximum <= INT_MAX)) {
            auto *spin = new QSpinBox(this);
            spin->setRange(static_cast<int>(f.minimum) + (f.minExclusive ? 1 : 0),
                           std::isinf(f.maximum) ? INT_MAX : static_cast<int>(f.maximum));
            connect(spin, &QSpinBox::valueChanged, this, &SettingsTableForm::edited);
            return spin;
        }
        break;
    }
    case Kind::Switch: {
        auto *box = new QCheckBox(this);
        connect(box, &QCheckBox::toggled, this, &SettingsTableForm::edited);
        return box;
    }
    case Kind::Choice: {
        auto *combo = new QComboBox(this);
        for (const auto &choice : f.choices)
            combo->addItem(toQString(choice));
        connect(combo, &QComboBox::currentIndexChanged, this, &SettingsTableForm::edited);
        return combo;
    }
    case Kind::List: {
        auto *box = new QWidget(this);
        auto *layout = new QHBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        for (const auto &choice : f.choices) {
            auto *check = new QCheckBox(toQString(choice), box);
            check->setObjectName(toQString(choice));
            connect(check, &QCheckBox::toggled, this, &SettingsTableForm::edited);
            layout->addWidget(check);
        }
        layout->addStretch(1);
        return box;
    }
    case Kind::Real:
    case Kind::Text:
        break;
    }
    auto *line = new QLineEdit(this);
    if (f.kind == Kind::Text)
        line->setPlaceholderText(tr("(none)"));
    connect(line, &QLineEdit::textEdited, this, &SettingsTableForm::edited);
    return line;
}

std::string SettingsTableForm::textOf(const Row &row) const
{
    if (auto *spin = qobject_cast<QSpinBox *>(row.editor))
        return std::to_string(spin->value());
    if (auto *check = qobject_cast<QCheckBox *>(row.editor))
        return check->isChecked() ? "1" : "0";
    if (auto *combo = qobject_cast<QComboBox *>(row.editor))
        return toStdString(combo->currentText());
    if (auto *line = qobject_cast<QLineEdit *>(row.editor))
        return toStdString(line->text().trimmed());
    std::vector<std::string> chosen;
    for (const auto &choice : row.field.choices)
        if (auto *check = row.editor->findChild<QCheckBox *>(toQString(choice)); check && check->isChecked())
            chosen.push_back(choice);
    return options::joinList(chosen);
}

void SettingsTableForm::setText(Row &row, const std::string &text)
{
    const QSignalBlocker block(row.editor);
    if (auto *spin = qobject_cast<QSpinBox *>(row.editor)) {
        spin->setValue(toQString(text).toInt());
    } else if (auto *check = qobject_cast<QCheckBox *>(row.editor)) {
        check->setChecked(text == "1");
    } else if (auto *combo = qobject_cast<QComboBox *>(row.editor)) {
        combo->setCurrentText(toQString(text));
    } else if (auto *line = qobject_cast<QLineEdit *>(row.editor)) {
        line->setText(toQString(text));
    } else {
        const auto items = options::splitList(text);
        for (const auto &choice : row.field.choices)
            if (auto *box = row.editor->findChild<QCheckBox *>(toQString(choice)))
                box->setChecked(std::find(items.begin(), items.end(), choice) != items.end());
    }
}

std::map<std::string, std::string> SettingsTableForm::values() const
{
    std::map<std::string, std::string> out;
    for (const auto &row : m_rows)
        out[row.field.flag] = textOf(row);
    return out;
}

void SettingsTableForm::setValues(const std::map<std::string, std::string> &values)
{
    for (auto &row : m_rows)
        if (const auto it = values.find(row.field.flag); it != values.end())
            setText(row, it->second);
}

void SettingsTableForm::resetToDefaults()
{
    for (auto &row : m_rows)
        setText(row, row.field.defaultValue);
    markError({}, {});
}

void SettingsTableForm::hideField(const std::string &flag)
{
    for (auto &row : m_rows)
        if (row.field.flag == flag)
            m_layout->setRowVisible(row.editor, false);
}

bool SettingsTableForm::markError(const std::string &flag, const QString &message)
{
    const std::string bare = flag.rfind("--", 0) == 0 ? flag.substr(2) : flag;
    bool found = false;
    for (auto &row : m_rows) {
        const bool hit = !bare.empty() && row.field.flag == bare && row.editor->isVisibleTo(this);
        row.editor->setStyleSheet(hit ? QString::fromLatin1(kErrorStyle) : QString());
        if (hit) {
            found = true;
            row.editor->setFocus();
        }
    }
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    return found;
}

QString SettingsTableForm::errorText() const
{
    return m_error->isVisibleTo(this) ? m_error->text() : QString();
}

void SettingsTableForm::setReadOnly(bool readOnly)
{
    for (auto &row : m_rows)
        row.editor->setEnabled(!readOnly);
}

QWidget *SettingsTableForm::editorOf(const std::string &flag) const
{
    for (const auto &row : m_rows)
        if (row.field.flag == flag)
            return row.editor;
    return nullptr;
}

} // namespace rlrf::ui
