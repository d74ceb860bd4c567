odoo.define('educonnect_accounts.branding', function (require) {
"use strict";
// The browser tab reads « EduConnect », not « Odoo ».
var WebClient = require('web.WebClient');

WebClient.include({
    init: function () {
        this._super.apply(this, arguments);
        this.set('title_part', {"zopenerp": "EduConnect"});
    },
});
});
