// The email subscription to the notification topic, only when the notificationEmail
// parameter is set. serverless.yml includes the result in `resources`
// (`${file(./deploy/notifications.cjs)}`); with the parameter empty, the default, it adds
// nothing.
//
// It used to be a resource with a CloudFormation Condition on the parameter; but the
// parameter is resolved when packaging, so that condition was constant in every packaged
// template (true with an email, false without), and AWS's template validators flag a
// condition that is always true or always false (W8003). Deciding here, at package time,
// leaves no condition in the template.

/** A permissive check: one @, something on each side, a dot in the domain, no spaces. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The notificationEmail parameter: '' (no subscription) or an email address. */
function parseNotificationEmail(value) {
  const email = String(value ?? '').trim();
  if (email !== '' && !EMAIL.test(email)) throw new Error(`notificationEmail must be empty (no subscription) or an email address, not "${email}"`);
  return email;
}

async function resources({ resolveVariable }) {
  const email = parseNotificationEmail(await resolveVariable('param:notificationEmail'));
  if (email === '') return {};
  return {
    Resources: {
      // SNS sends a confirmation request to the address; nothing is delivered to it until confirmed.
      NotificationEmailSubscription: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: { Ref: 'NotificationTopic' }, Protocol: 'email', Endpoint: email },
      },
    },
  };
}

module.exports = resources;
module.exports.parseNotificationEmail = parseNotificationEmail;
