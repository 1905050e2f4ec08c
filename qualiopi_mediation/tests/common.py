from contextlib import contextmanager

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiCommon


class MediationCommon(QualiopiCommon):
    """The register's training organisation, a listed consumer mediator, and no
    mediator chosen yet (the demo company has one: tests choose explicitly)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # English texts are asserted, whatever languages the database has.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.trainee.lang = "en_US"
        cls.mediator = cls.env["qualiopi.mediator"].create(
            {
                "name": "Médiateur Conso Formation Test",
                "website": "https://mediateur-test.example.org",
                "email": "saisine@mediateur-test.example.org",
                "street": "5 allée des Tests",
                "zip": "69003",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "is_listed": True,
                "convention_reference": "CONV-TEST-1",
            }
        )
        cls.company.qualiopi_mediator_id = False

    @classmethod
    def _set_mediator(cls, mediator=None):
        cls.company.qualiopi_mediator_id = mediator or cls.mediator

    def _assert_notice(self, body, present=True):
        checks = (
            self.mediator.name,
            self.mediator.website,
            "5 allée des Tests",
            "69003 Lyon",
            "prior written complaint",
            "within one year",
            "free for you",
            "L612-4",
        )
        for text in checks:
            if present:
                self.assertIn(text, body)
            else:
                self.assertNotIn(text, body)

    def _create_referral(self, ticket, user=None, **values):
        Referral = self.env["qualiopi.mediation.referral"]
        if user:
            Referral = Referral.with_user(user)
        return Referral.create({"ticket_id": ticket.id, "mediator_id": self.mediator.id, **values})

    @contextmanager
    def _assert_refused(self, exception, pattern):
        """The error is raised with a message matching ``pattern``. This
        proves nothing about what was written: the savepoint of
        ``assertRaises`` undoes it. Check the state after a refusal with
        ``assertRefusedOverRpc`` (an ``HttpCase``), where the request's own
        transaction is rolled back by Odoo as for a real user."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), pattern)
