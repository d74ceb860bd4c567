odoo.define('educonnect_accounts.staff_home', function (require) {
"use strict";
// School staff do not get Discuss's « Odoo a besoin de votre autorisation
// pour envoyer des notifications » banner: EduConnect sends them nothing
// through desktop notifications, and the banner invited them to grant a
// permission for nothing on shared school computers.
var ChatAction = require('mail.chat_client_action');
var session = require('web.session');

ChatAction.include({
    willStart: function () {
        var self = this;
        var staff = session.user_has_group(
            'educonnect_accounts.group_educonnect_troubleshooter'
        ).then(function (isStaff) {
            if (isStaff) {
                self.notification_bar = false;
            }
        });
        return $.when(this._super.apply(this, arguments), staff);
    },
});
});
