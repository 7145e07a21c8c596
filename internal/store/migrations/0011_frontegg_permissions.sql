-- Frontegg's built-in permissions (the fe.* keys its admin portal checks), in
-- categories of their own, and the two roles every Frontegg environment starts
-- with: Admin, held by the first user of a new account (firstUserRole) and
-- granting every built-in permission (through the fe.secure.*, fe.connectivity.*
-- and fe.subscriptions.* wildcards plus the account-settings and hierarchy
-- keys no wildcard covers), and Read Only, the default role of users added
-- without roles. Keys and names follow Frontegg's; ids are fixed UUIDs so every
-- Hatch database agrees. Rows that already exist (same id or key) are kept.

INSERT INTO permission_categories (id, name, description, fe_category, created_at, updated_at) VALUES
    ('4a828654-607a-5348-84fa-c19881715bdd', 'Secure access general', 'All secure access permissions', TRUE, 1700000000000000, 1700000000000000),
    ('294dbfb4-33db-55f1-9bbe-71e86714117e', 'User management', 'Users, their roles, invitations and sessions', TRUE, 1700000000000000, 1700000000000000),
    ('48e34101-4063-5733-8fac-8409bdefffe6', 'Roles and permissions', 'Account roles and the permissions they bundle', TRUE, 1700000000000000, 1700000000000000),
    ('4106660c-df73-5570-90b8-6b9134bdb065', 'Groups', 'User groups and their roles', TRUE, 1700000000000000, 1700000000000000),
    ('d722b35e-2753-5126-bed0-18e142f52058', 'Security', 'Security policies, restrictions, audits and delegation', TRUE, 1700000000000000, 1700000000000000),
    ('9e5d4eb2-3d20-5153-815d-d104b6018db5', 'SSO and provisioning', 'SAML configurations, default roles and provisioning', TRUE, 1700000000000000, 1700000000000000),
    ('ad5cf146-72fb-59fd-9411-15e40f4eb078', 'API tokens', 'Account and personal API tokens', TRUE, 1700000000000000, 1700000000000000),
    ('2f445ed8-8681-5d7f-9b1a-8edd04c8a3c8', 'Account settings', 'Account settings and applications', TRUE, 1700000000000000, 1700000000000000),
    ('8e7078b9-1111-52be-815d-efefafaf0209', 'Account hierarchy', 'Sub-accounts and access to them', TRUE, 1700000000000000, 1700000000000000),
    ('4560c3a2-d2e1-5c2b-845e-09c15a2748df', 'Connectivity', 'Webhooks, email, SMS, Slack and bell notifications', TRUE, 1700000000000000, 1700000000000000),
    ('43c234a4-e18c-5303-90dc-5a7ded750573', 'Subscriptions', 'Plans and subscriptions', TRUE, 1700000000000000, 1700000000000000)
ON CONFLICT DO NOTHING;

INSERT INTO permissions (id, key, name, description, category_id, fe_permission, assignment_type, created_at, updated_at) VALUES
    ('3a4ba2ac-c4a3-51e6-be68-a1f7b869de65', 'fe.secure.*', 'Secure general', 'All secure access permissions', '4a828654-607a-5348-84fa-c19881715bdd', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('9005be03-44f4-50ad-8118-fabfbc6572b6', 'fe.secure.read.*', 'Secure read', 'All secure access read permissions', '4a828654-607a-5348-84fa-c19881715bdd', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('9e82a528-1681-52a2-9d27-add72a137503', 'fe.secure.write.*', 'Secure write', 'All secure access write permissions', '4a828654-607a-5348-84fa-c19881715bdd', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('efb133e0-d5c8-5e4b-adcf-33babeb3f3b7', 'fe.secure.delete.*', 'Secure delete', 'All secure access delete permissions', '4a828654-607a-5348-84fa-c19881715bdd', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('fc540714-f498-5dc5-ad56-8190ee14d218', 'fe.secure.read.users', 'Read users', 'View all users in an account', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('15bb8407-d5c2-5c1b-8fb2-449fa3baeb4e', 'fe.secure.write.users', 'Write users', 'Add users to account', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('6d2a9484-0cd8-530d-8cb8-70154f5b5c58', 'fe.secure.delete.users', 'Delete users', 'Delete users from account', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('5dfca3fb-79ee-506d-8f5e-615991ae4ba9', 'fe.secure.write.updateUser', 'Update users', 'Update other users', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('1eb94ede-750b-5c2b-98a4-4a1e32b6a9ed', 'fe.secure.write.enableDisable', 'Write disable/enable', 'Disable/enable users from this account', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('173ff690-a8c5-5ffb-9e54-a63f2145df6f', 'fe.secure.write.usersRoles', 'Assign roles to users', 'Add roles to users', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('be843b2f-c22f-5ddd-b37a-228854b3391e', 'fe.secure.delete.usersRoles', 'Delete roles from users', 'Delete roles from users in account', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('098fd570-8914-5036-a5c4-715c688be253', 'fe.secure.write.tenantInvites', 'Create invitation', 'Create and edit account invitation link for signup/login', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('c448c9f2-4cf9-5f24-a88d-95b8fc88704d', 'fe.secure.delete.tenantInvites', 'Delete account invitations', 'Delete account invitations', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('08bd7fa1-a474-56d0-9b0f-a3cd048f45a5', 'fe.secure.write.resendActivationEmail', 'Resend activation emails', 'Resend activation emails to non-verified users', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('5c3183a2-4fd9-502d-94a0-014be616847c', 'fe.secure.write.userSubTenants', 'Invite users to sub-accounts', 'Invite users to sub-accounts', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('af62ef91-f171-5d98-a107-32eecd8d5c1d', 'fe.secure.delete.userSubTenants', 'Delete users from sub-accounts', 'Delete users from sub-accounts', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('ab943ea4-1892-5b32-8a95-ac5ff029a71c', 'fe.secure.write.appsUsers', 'Assign user to applications', 'Assign any application to users', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('aa0ea281-13cc-58c6-99d5-10c351f35135', 'fe.secure.delete.appsUsers', 'Remove user from applications', 'Remove any application from users', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('8bd54aa4-49d8-58fd-aa07-2bd28ed757d6', 'fe.secure.delete.sessions', 'Revoke user sessions', 'Revoke all user sessions', '294dbfb4-33db-55f1-9bbe-71e86714117e', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('83c32091-9112-542c-b03a-dd76a822e44f', 'fe.secure.read.roles', 'Read roles', 'View vendor and account roles', '48e34101-4063-5733-8fac-8409bdefffe6', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('0a6b9b4b-16d4-51d8-b2ca-da3d6c6490af', 'fe.secure.write.roles', 'Write roles', 'Create account roles', '48e34101-4063-5733-8fac-8409bdefffe6', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('3297ef5a-7041-5c25-af52-d6cb9d5510e5', 'fe.secure.write.updateRole', 'Update roles', 'Update account roles', '48e34101-4063-5733-8fac-8409bdefffe6', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('758ebf01-359e-5c4d-8e20-43a5e202109d', 'fe.secure.delete.role', 'Delete roles', 'Delete account roles', '48e34101-4063-5733-8fac-8409bdefffe6', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('b5fcd49c-b16e-548a-ad05-bbd281f427c7', 'fe.secure.read.permissions', 'Read permissions', 'View permissions', '48e34101-4063-5733-8fac-8409bdefffe6', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('25d286cd-6ea9-597e-b976-8227d8d25510', 'fe.secure.read.groups', 'Read groups', 'View all groups', '4106660c-df73-5570-90b8-6b9134bdb065', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('ee44f64a-ea6e-5170-a57a-63f2ebebebd0', 'fe.secure.write.groups', 'Create or update groups', 'Create or update any group', '4106660c-df73-5570-90b8-6b9134bdb065', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('f57b9353-36f6-5133-a62f-ced32f860756', 'fe.secure.delete.groups', 'Delete groups', 'Delete any group', '4106660c-df73-5570-90b8-6b9134bdb065', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('23f95de1-778a-5e94-8415-42062e01fcb6', 'fe.secure.write.groupsRoles', 'Edit group roles', 'Edit roles of any group', '4106660c-df73-5570-90b8-6b9134bdb065', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('0982c78f-a264-5213-8fb3-2762d6a1fb93', 'fe.secure.write.groupsUsers', 'Add users to groups', 'Add users to any group', '4106660c-df73-5570-90b8-6b9134bdb065', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('c928c19a-cc6e-5051-bcb2-fbe4f83d69f9', 'fe.secure.delete.groupsUsers', 'Remove users from groups', 'Remove users from any group', '4106660c-df73-5570-90b8-6b9134bdb065', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('38bb154a-6fee-54e8-8d9d-adfe865c6139', 'fe.secure.read.securityPolicy', 'Read security policies', 'View security policies', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('411382df-fe34-5cc1-88c3-9d50d9139661', 'fe.secure.write.securityPolicy', 'Write security policies', 'Create or update security policies', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('a6f92e6f-0c19-5a89-8836-20a0977f7ba8', 'fe.secure.delete.securityPolicy', 'Delete security policies', 'Delete security policies', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('3595b1cb-c608-5790-bb58-b632cabe402a', 'fe.secure.read.ipRestrictions', 'Read IP restrictions', 'View IP restrictions and configuration', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('0600483c-e1bd-5823-b4c4-990c1a485bd3', 'fe.secure.write.ipRestrictions', 'Create new IP restrictions', 'Create new IP restriction and modify configuration', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('5fa1a8c9-cbdf-5920-8e85-8d205a738fa7', 'fe.secure.delete.ipRestrictions', 'Delete IP restrictions', 'Delete IP restrictions', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('e7717146-9ee2-56fd-9b0d-95fc8085f844', 'fe.secure.read.emailDomainRestrictions', 'Read email domain restrictions', 'View domain restrictions and configuration', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('f83b1ddc-98f4-5c97-9a0b-b0f4c2ae0612', 'fe.secure.write.emailDomainRestrictions', 'Create new email domain restrictions', 'Create new email domain restrictions and edit configuration', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('e42ef65b-f29a-5ce4-a8cf-1f0916a8d904', 'fe.secure.delete.emailDomainRestrictions', 'Delete email domain restriction', 'Delete email domain restrictions', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('b9d83ce3-b1f8-51a5-ab5a-329b6baa2397', 'fe.secure.read.passwordExpirationConfiguration', 'Read password expiration configuration', 'Read password expiration configuration', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('3dc4e5dc-ef7d-51c6-8339-775724a2c2ab', 'fe.secure.write.passwordExpirationConfiguration', 'Write password expiration configuration', 'Write password expiration configuration', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('1789ffe2-c437-50ab-9d31-349433c9b574', 'fe.secure.read.audits', 'Read audits', 'View audit logs', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('2fa3dc5c-4bc4-566e-8e01-0f6292dc878d', 'fe.secure.write.delegation', 'Delegation', 'Act on behalf of another user', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('4df87e32-b045-5471-b267-a5040194483b', 'fe.secure.write.actorToken', 'Create or revoke actor tokens', 'Create new or revoke existing actor tokens', 'd722b35e-2753-5126-bed0-18e142f52058', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('06810c1a-b557-54ad-bb36-dd21d4326ebc', 'fe.secure.read.samlConfiguration', 'Read SAML configurations', 'View vendor and tenant SAML configuration', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('7e79382a-1ab7-59fc-8cc1-44bd7d466464', 'fe.secure.write.samlConfiguration', 'Write SAML configurations', 'Create and update account SAML configurations', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('7b888899-c872-5e30-ad86-3bbab5bec08a', 'fe.secure.delete.samlConfiguration', 'Delete SAML configuration', 'Delete account SAML configuration', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('aa71ac3e-f477-5025-8fc5-1f32bba4d068', 'fe.secure.read.samlDefaultRoles', 'Read SAML default roles', 'View SAML default role configuration', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('64926253-4103-521f-9e09-8d048b3b7141', 'fe.secure.write.samlDefaultRoles', 'Write SAML default roles', 'Write SAML default roles', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('2b42f4e5-aac7-579c-8adf-425e46d61586', 'fe.secure.read.provisioningConfiguration', 'Read provisioning configurations', 'View provisioning configurations', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('f1c20e2b-33d2-5047-adea-e5ab0c020464', 'fe.secure.write.provisioningConfiguration', 'Create new provisioning configurations', 'Create new provisioning configurations', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('1b0b0c74-f09b-56f3-93b1-36cbc8d36a1a', 'fe.secure.delete.provisioningConfiguration', 'Delete provisioning configuration', 'Delete provisioning configurations', '9e5d4eb2-3d20-5153-815d-d104b6018db5', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('c50d141a-0165-5493-9e9c-86670a45ccbd', 'fe.secure.read.tenantApiTokens', 'Read account API tokens', 'View all account API tokens', 'ad5cf146-72fb-59fd-9411-15e40f4eb078', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('d9e599e3-87b5-52b6-8df9-f2c69e9cdc09', 'fe.secure.write.tenantApiTokens', 'Write account API tokens', 'Create or update account API tokens', 'ad5cf146-72fb-59fd-9411-15e40f4eb078', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('8a77f74b-5c8a-5bfb-817c-28813c91fcb0', 'fe.secure.delete.tenantApiTokens', 'Delete tenant API tokens', 'Delete account API tokens', 'ad5cf146-72fb-59fd-9411-15e40f4eb078', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('801989c7-a1f7-57a5-96a9-971279832458', 'fe.secure.read.userApiTokens', 'Read user API tokens', 'View own API tokens', 'ad5cf146-72fb-59fd-9411-15e40f4eb078', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('cd3d8223-0e8c-5175-90c9-6cfb2b01e8a3', 'fe.secure.write.userApiTokens', 'Write user API tokens', 'Create and update own API tokens', 'ad5cf146-72fb-59fd-9411-15e40f4eb078', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('0bcefc23-878f-5f0d-ba96-438b9cd348a1', 'fe.secure.delete.userApiTokens', 'Delete user API tokens', 'Delete own API tokens', 'ad5cf146-72fb-59fd-9411-15e40f4eb078', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('89aab0b6-2a1f-53b8-8b7c-0d18ae9818f3', 'fe.secure.read.accountSettings', 'Read account settings', 'View account settings', '2f445ed8-8681-5d7f-9b1a-8edd04c8a3c8', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('c92892fb-1451-5d7e-ab48-dd6f71e3cb40', 'fe.secure.write.accountSettings', 'Write account settings', 'Create or update account settings', '2f445ed8-8681-5d7f-9b1a-8edd04c8a3c8', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('27a0c200-298b-565c-bf75-ebd6bb1a4ed0', 'fe.account-settings.read.app', 'Read application', 'View all applications in the account', '2f445ed8-8681-5d7f-9b1a-8edd04c8a3c8', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('97bd532a-bf26-5ed3-b6e2-e236ecfa427a', 'fe.account-settings.write.custom-login-box', 'Edit custom login settings', 'Write account custom login box styling', '2f445ed8-8681-5d7f-9b1a-8edd04c8a3c8', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('f7d9ba6d-0c10-5f26-a526-20b6d3ca0bef', 'fe.account-settings.delete.account', 'Delete account', 'Delete my account', '2f445ed8-8681-5d7f-9b1a-8edd04c8a3c8', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('c06ccf66-ef93-5136-ab3d-feeb343e3a93', 'fe.account-hierarchy.read.subAccount', 'Read sub-accounts', 'View sub-accounts', '8e7078b9-1111-52be-815d-efefafaf0209', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('1074f10e-6a3a-5ffe-aaa2-a3204789a8fc', 'fe.account-hierarchy.write.subAccount', 'Create or update sub-accounts', 'Create or update sub-accounts', '8e7078b9-1111-52be-815d-efefafaf0209', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('1049a704-c852-525e-ab61-866d79f6b328', 'fe.account-hierarchy.delete.subAccount', 'Delete sub-accounts', 'Delete sub-accounts', '8e7078b9-1111-52be-815d-efefafaf0209', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('41a0796f-9cbe-5948-9513-7911a3ecb334', 'fe.account-hierarchy.write.subAccountAccess', 'Give access to sub-accounts', 'Give a user access to sub-accounts', '8e7078b9-1111-52be-815d-efefafaf0209', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('cb88d8bf-7a02-50b8-9500-40f383acdb2f', 'fe.account-hierarchy.write.subAccountManagement', 'Write sub-account management', 'Update sub-accounts to allow sub-account management', '8e7078b9-1111-52be-815d-efefafaf0209', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('46f9dd21-a460-50dd-92fc-fd7a7e0af103', 'fe.connectivity.*', 'Connectivity general', 'All connectivity permissions', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('f4bcfa9a-fc7c-524f-a184-27f2afd33af9', 'fe.connectivity.read.*', 'Connectivity read', 'All connectivity read permissions', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('3483765c-1f1f-5063-b09a-78edd9ac2551', 'fe.connectivity.write.*', 'Connectivity write', 'All connectivity write permissions', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('d10afd4a-16f7-5067-87f5-1f808537d6c0', 'fe.connectivity.delete.*', 'Connectivity delete', 'All connectivity delete permissions', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('d7afdefa-4f3b-59df-80e6-ace5ba6084d7', 'fe.connectivity.read.emailConfig', 'Read email configuration', 'Read email integration configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('1721dc58-dcf8-5dd6-9e46-cc92a81d145a', 'fe.connectivity.write.emailConfig', 'Write email configuration', 'Create email integration configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('a86ef0cb-b65a-5d9d-832d-413137f2ccb6', 'fe.connectivity.delete.emailConfig', 'Delete email configurations', 'Delete email integration configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('33f51a9c-a7b2-502f-9963-c0c7c7f24fe1', 'fe.connectivity.read.smsConfig', 'Read SMS configurations', 'View SMS integration configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('cc761421-0fb2-57c6-b721-de98904ee300', 'fe.connectivity.write.smsConfig', 'Write SMS configurations', 'Create SMS integration configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('d6319526-8cb9-595e-9b23-a63d971875d5', 'fe.connectivity.delete.smsConfig', 'Delete SMS configurations', 'Delete SMS integration configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('fbaeddc8-dd92-5573-bfdb-82e7590fa33b', 'fe.connectivity.read.webhooks', 'Read webhooks', 'View webhook configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('4731f2ff-96a6-5feb-8289-ee6ad789003f', 'fe.connectivity.read.webhookLogs', 'Read webhook logs', 'View webhook logs', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('99ff2312-33b1-5fca-b08e-9bf4b053fb68', 'fe.connectivity.write.webhook', 'Write webhooks', 'Create and update webhook configuration', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('89b43419-9dc2-5cef-8f50-672cda207953', 'fe.connectivity.delete.webhook', 'Delete webhooks', 'Delete webhook configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('440526f2-4fdf-5658-88ae-674bf543975b', 'fe.connectivity.read.events', 'Read events', 'View connectivity events', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('bb95551c-ad4e-570d-a823-e17b96cf2e1d', 'fe.connectivity.read.eventCategories', 'Read event categories', 'View connectivity event categories', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('cde67361-df17-5bb2-8d19-5b4f7faa7253', 'fe.connectivity.write.triggerEvent', 'Trigger events', 'Trigger events that run integrations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('1b6938fc-2174-56a0-bb67-3f76721400b2', 'fe.connectivity.read.slackApp', 'Read Slack applications', 'Read Slack application configurations', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('3c47c5ff-6592-5a28-bc11-f4f069cf2a41', 'fe.connectivity.read.slackChannels', 'Read Slack channels', 'View registered Slack workspace channels', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('417e6bac-05b8-5e57-8b8c-51e317ef7608', 'fe.connectivity.read.slackUsers', 'Read Slack users', 'View registered Slack workspace users', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('3330efe0-af50-5cc8-a9a2-0f91e639e220', 'fe.connectivity.read.slackSubscriptions', 'Read Slack subscriptions', 'View Slack event subscriptions', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('e0f5d1ea-9081-5c6e-a499-8c7dc0005a20', 'fe.connectivity.write.slackAppRegistration', 'Register Slack applications', 'Register Slack application', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('75baab75-d874-5b45-b089-a414af53aae0', 'fe.connectivity.write.slackSubscriptions', 'Create Slack subscriptions', 'Create Slack subscriptions to events', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('c8b6ca61-a4c6-51c5-b55a-e424055faac2', 'fe.connectivity.write.updateSlackSubscription', 'Update Slack subscriptions', 'Update Slack subscriptions', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('0df6118d-4925-53da-9b9d-32288b669038', 'fe.connectivity.delete.slackAppRegistration', 'Delete Slack application registrations', 'Delete Slack app registration', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('f3bc0047-9d55-58b7-a480-20a91d40e09f', 'fe.connectivity.delete.slackSubscriptions', 'Delete Slack subscriptions', 'Delete Slack subscriptions to events', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('e88e4e00-3ed2-58cf-a769-f052db10e288', 'fe.connectivity.delete.slackSubscriptionEvent', 'Delete events from Slack subscriptions', 'Delete events from Slack subscription', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('2cec6656-37d1-5493-9cbb-8e3de94ca164', 'fe.connectivity.read.userBellNotifications', 'Read bell notifications', 'View user bell notifications', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('44a571ff-f658-55d6-8e98-8f5552122621', 'fe.connectivity.write.updateUserBellNotification', 'Update bell notifications', 'Update bell notifications', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('c966caff-e815-5320-8eed-7b1f6513069e', 'fe.connectivity.delete.bellNotifications', 'Delete user bell notification', 'Delete user bell notifications', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('d2be7f04-20c8-5664-9c02-4f3bc5ef2dbe', 'fe.connectivity.write.subscribeWebpush', 'Subscribe to webpushes', 'Subscribe to webpush notifications', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('f34ae41b-f03b-588c-b7f3-2b856b60af6f', 'fe.connectivity.write.sendWebpushNotification', 'Create webpushes', 'Create webpush notifications', '4560c3a2-d2e1-5c2b-845e-09c15a2748df', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('3e413734-307a-5532-bdc5-59c98adf5e20', 'fe.subscriptions.*', 'Subscriptions general', 'All subscription permissions', '43c234a4-e18c-5303-90dc-5a7ded750573', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('103ed414-3916-5228-9372-f8365dd628fb', 'fe.subscriptions.read.*', 'Subscriptions read', 'All subscription read permissions', '43c234a4-e18c-5303-90dc-5a7ded750573', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000),
    ('dcbdda26-e614-5bbf-9be4-747688394f84', 'fe.subscriptions.write.*', 'Subscriptions write', 'All subscriptions write permissions', '43c234a4-e18c-5303-90dc-5a7ded750573', TRUE, 'ASSIGNABLE', 1700000000000000, 1700000000000000)
ON CONFLICT DO NOTHING;

INSERT INTO roles (id, key, name, description, tenant_id, level, is_default, first_user_role, created_at, updated_at) VALUES
    ('75dbedac-a76b-5e6d-8849-ca5cb8315f35', 'Admin', 'Admin', 'Administers the account: every built-in permission', '', 0, FALSE, TRUE, 1700000000000000, 1700000000000000),
    ('72482791-3777-5c37-b083-90b5b7e30f52', 'ReadOnly', 'Read Only', 'Views the account without changing it', '', 1, TRUE, FALSE, 1700000000000000, 1700000000000000)
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
    SELECT r.id, p.id FROM roles r JOIN permissions p ON p.key IN ('fe.secure.*', 'fe.connectivity.*', 'fe.subscriptions.*', 'fe.account-settings.read.app', 'fe.account-settings.write.custom-login-box', 'fe.account-settings.delete.account', 'fe.account-hierarchy.read.subAccount', 'fe.account-hierarchy.write.subAccount', 'fe.account-hierarchy.delete.subAccount', 'fe.account-hierarchy.write.subAccountAccess', 'fe.account-hierarchy.write.subAccountManagement')
    WHERE r.id = '75dbedac-a76b-5e6d-8849-ca5cb8315f35'
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
    SELECT r.id, p.id FROM roles r JOIN permissions p ON p.key IN ('fe.secure.read.*', 'fe.connectivity.read.*', 'fe.subscriptions.read.*', 'fe.account-settings.read.app', 'fe.account-hierarchy.read.subAccount')
    WHERE r.id = '72482791-3777-5c37-b083-90b5b7e30f52'
ON CONFLICT DO NOTHING;
