odoo.define('educonnect_accounts.fields', function (require) {
"use strict";
/**
 * Dates as the guide shows them: an empty notification or last connection
 * date reads « Non renseignée », not a blank cell.
 * widget="educonnect_date" (a date, or a datetime shown as its date) and
 * widget="educonnect_datetime" (date and time).
 */
var basicFields = require('web.basic_fields');
var core = require('web.core');
var fieldRegistry = require('web.field_registry');

var _t = core._t;

var NotProvidedMixin = {
    // Set for the form renderer, which otherwise hides an empty value.
    isSet: function () {
        return this.mode === 'readonly' || this._super.apply(this, arguments);
    },
    _renderReadonly: function () {
        if (this.value) {
            this.$el.removeClass('text-muted');
            return this._super.apply(this, arguments);
        }
        this.$el.text(_t("Date not provided")).addClass('text-muted');
    },
};

var EduconnectDate = basicFields.FieldDate.extend(NotProvidedMixin, {
    init: function () {
        this._super.apply(this, arguments);
        // As Odoo's widget="date": a datetime shows its date only.
        this.formatType = 'date';
    },
});
var EduconnectDateTime = basicFields.FieldDateTime.extend(NotProvidedMixin);

/** « Verrouillé » on a locked account, nothing otherwise (lists). */
var EduconnectLocked = basicFields.FieldBoolean.extend({
    _render: function () {
        this.$el.empty().toggleClass('text-danger', !!this.value)
            .text(this.value ? _t("Locked") : '');
    },
});

fieldRegistry.add('educonnect_locked', EduconnectLocked);
fieldRegistry.add('educonnect_date', EduconnectDate);
fieldRegistry.add('educonnect_datetime', EduconnectDateTime);

return {Date: EduconnectDate, DateTime: EduconnectDateTime,
        Locked: EduconnectLocked};
});
