/**
 * Generated from the Steward server's OpenAPI document by packages/web/scripts/generate-api.mjs.
 * Do not edit: run `npm run -w @steward/web gen:api` after changing an API route.
 */

export interface paths {
    "/scep": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * SCEP GetCACaps, GetCACert and PKIOperation (device-facing)
         * @description GetCACaps answers text/plain, GetCACert the CA certificate as application/x-x509-ca-cert (DER), PKIOperation a CertRep as application/x-pki-message.
         */
        get: {
            parameters: {
                query: {
                    /** @description GetCACaps, GetCACert or PKIOperation */
                    operation: string;
                    /** @description GetCACert: ignored; PKIOperation over GET: the pkiMessage in base64 */
                    message?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /**
         * SCEP PKIOperation with the pkiMessage as the body (device-facing)
         * @description The body is a DER pkiMessage (application/x-pki-message); the answer is a CertRep (application/x-pki-message).
         */
        post: {
            parameters: {
                query: {
                    /** @description GetCACaps, GetCACert or PKIOperation */
                    operation: string;
                    /** @description GetCACert: ignored; PKIOperation over GET: the pkiMessage in base64 */
                    message?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/enroll/{token}/apple.mobileconfig": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed Apple enrollment profile behind an enrollment link (?unsigned=1: the plain plist) */
        get: {
            parameters: {
                query?: {
                    unsigned?: "1" | "true";
                };
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apple/push-certificates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** APNs push certificates, with expiry (warned 30 days ahead) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                topic: string;
                                notAfter: string;
                                expiresSoon: boolean;
                                uploadedAt: string;
                                uploadedBy: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Upload the APNs MDM push certificate and key (PEM, or .p12 as base64 with its password); the topic is read from it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        certificatePem?: string;
                        privateKeyPem?: string;
                        /** Format: byte */
                        p12?: string;
                        password?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            topic: string;
                            notAfter: string;
                            expiresSoon: boolean;
                            uploadedAt: string;
                            uploadedBy: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apple/declarations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Declarative Device Management declarations */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                identifier: string;
                                type: string;
                                payload: {
                                    [key: string]: unknown;
                                };
                                serverToken: string;
                                groupIds: string[];
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a declaration and assign it to groups */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        identifier: string;
                        type: string;
                        payload: {
                            [key: string]: unknown;
                        };
                        groupIds: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            identifier: string;
                            type: string;
                            payload: {
                                [key: string]: unknown;
                            };
                            serverToken: string;
                            groupIds: string[];
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apple/declarations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change a declaration’s payload or its groups */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        payload?: {
                            [key: string]: unknown;
                        };
                        groupIds?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            identifier: string;
                            type: string;
                            payload: {
                                [key: string]: unknown;
                            };
                            serverToken: string;
                            groupIds: string[];
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Delete a declaration; devices remove it at their next sync */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is alive */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The database is reachable */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether first-run setup is still needed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            required: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create the first admin with the setup token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        /** Format: email */
                        email: string;
                        password: string;
                        displayName?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: email */
                            email: string;
                            displayName: string | null;
                            role: "admin" | "operator" | "helpdesk" | "auditor";
                            mfaEnabled: boolean;
                            disabled: boolean;
                            lockedUntil: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            lastLoginAt: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in; sets the session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                        totp?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: {
                                /** Format: uuid */
                                id: string;
                                /** Format: email */
                                email: string;
                                displayName: string | null;
                                role: "admin" | "operator" | "helpdesk" | "auditor";
                                mfaEnabled: boolean;
                                disabled: boolean;
                                lockedUntil: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                lastLoginAt: string | null;
                            };
                            /** Format: date-time */
                            expiresAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the current session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is signed in, and what they may do */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: "user" | "token";
                            id: string;
                            label: string;
                            role: "admin" | "operator" | "helpdesk" | "auditor";
                            user: {
                                /** Format: uuid */
                                id: string;
                                /** Format: email */
                                email: string;
                                displayName: string | null;
                                role: "admin" | "operator" | "helpdesk" | "auditor";
                                mfaEnabled: boolean;
                                disabled: boolean;
                                lockedUntil: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                lastLoginAt: string | null;
                            } | null;
                            permissions: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change your password (ends your other sessions) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start TOTP enrolment: returns the secret and an otpauth:// URL for an authenticator app */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secret: string;
                            otpauthUrl: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm TOTP with a current code; returns one-time recovery codes (shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recoveryCodes: string[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/totp/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn TOTP off with a current code or a recovery code */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: email */
                                email: string;
                                displayName: string | null;
                                role: "admin" | "operator" | "helpdesk" | "auditor";
                                mfaEnabled: boolean;
                                disabled: boolean;
                                lockedUntil: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                lastLoginAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a user */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        password: string;
                        role: "admin" | "operator" | "helpdesk" | "auditor";
                        displayName?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: email */
                            email: string;
                            displayName: string | null;
                            role: "admin" | "operator" | "helpdesk" | "auditor";
                            mfaEnabled: boolean;
                            disabled: boolean;
                            lockedUntil: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            lastLoginAt: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: email */
                            email: string;
                            displayName: string | null;
                            role: "admin" | "operator" | "helpdesk" | "auditor";
                            mfaEnabled: boolean;
                            disabled: boolean;
                            lockedUntil: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            lastLoginAt: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a user (their audit records keep their e-mail) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a user’s role, name, password or disabled state */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        role?: "admin" | "operator" | "helpdesk" | "auditor";
                        displayName?: string | null;
                        disabled?: boolean;
                        password?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: email */
                            email: string;
                            displayName: string | null;
                            role: "admin" | "operator" | "helpdesk" | "auditor";
                            mfaEnabled: boolean;
                            disabled: boolean;
                            lockedUntil: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            lastLoginAt: string | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API tokens */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                role: "admin" | "operator" | "helpdesk" | "auditor";
                                /** @description The first characters of the secret, to recognise it */
                                prefix: string;
                                createdBy: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        role: "admin" | "operator" | "helpdesk" | "auditor";
                        /** Format: date-time */
                        expiresAt?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            token: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                role: "admin" | "operator" | "helpdesk" | "auditor";
                                /** @description The first characters of the secret, to recognise it */
                                prefix: string;
                                createdBy: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                            };
                            secret: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List devices with filters, search, sorting and paging */
        get: {
            parameters: {
                query: {
                    platform?: string;
                    ownership?: string;
                    enrollmentState?: string;
                    complianceState?: string;
                    osVersionBelow?: string;
                    osVersionAtLeast?: string;
                    model?: string;
                    /** @description An exact OS version as reported, e.g. 18.2.1. */
                    osVersion?: string;
                    deliveryState?: string;
                    assignedUser?: string;
                    lastSeenBefore?: string;
                    lastSeenAfter?: string;
                    groupId?: string;
                    search?: string;
                    /** @description One of name, platform, osVersion, lastSeenAt, enrolledAt, createdAt, serialNumber, complianceState; prefix with - for descending. */
                    sort?: string;
                    offset: number;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** @enum {string} */
                                platform: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                                /** @enum {string} */
                                channel: "apple" | "windows" | "android" | "agent";
                                /** @enum {string} */
                                ownership: "corporate" | "personal";
                                /** @enum {string} */
                                enrollmentState: "pending" | "enrolled" | "unenrolled" | "retired";
                                name: string;
                                serialNumber: string | null;
                                udid: string | null;
                                hardwareId: string | null;
                                imei: string | null;
                                model: string | null;
                                osVersion: string | null;
                                assignedUser: string | null;
                                /** @enum {string} */
                                complianceState: "unknown" | "compliant" | "noncompliant";
                                lastSeenAt: string | null;
                                enrolledAt: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            total: number;
                            offset: number;
                            limit: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a device with its inventory and groups */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            platform: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                            /** @enum {string} */
                            channel: "apple" | "windows" | "android" | "agent";
                            /** @enum {string} */
                            ownership: "corporate" | "personal";
                            /** @enum {string} */
                            enrollmentState: "pending" | "enrolled" | "unenrolled" | "retired";
                            name: string;
                            serialNumber: string | null;
                            udid: string | null;
                            hardwareId: string | null;
                            imei: string | null;
                            model: string | null;
                            osVersion: string | null;
                            assignedUser: string | null;
                            /** @enum {string} */
                            complianceState: "unknown" | "compliant" | "noncompliant";
                            lastSeenAt: string | null;
                            enrolledAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            groupIds: string[];
                            inventory: {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a device record and its command history */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a device, change its assigned user or ownership, or set its static groups */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        assignedUser?: string | null;
                        /** @enum {string} */
                        ownership?: "corporate" | "personal";
                        groupIds?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            platform: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                            /** @enum {string} */
                            channel: "apple" | "windows" | "android" | "agent";
                            /** @enum {string} */
                            ownership: "corporate" | "personal";
                            /** @enum {string} */
                            enrollmentState: "pending" | "enrolled" | "unenrolled" | "retired";
                            name: string;
                            serialNumber: string | null;
                            udid: string | null;
                            hardwareId: string | null;
                            imei: string | null;
                            model: string | null;
                            osVersion: string | null;
                            assignedUser: string | null;
                            /** @enum {string} */
                            complianceState: "unknown" | "compliant" | "noncompliant";
                            lastSeenAt: string | null;
                            enrolledAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            groupIds: string[];
                            inventory: {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/devices/{id}/retire": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop managing a device: pending commands are cancelled and the device is marked retired */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            platform: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                            /** @enum {string} */
                            channel: "apple" | "windows" | "android" | "agent";
                            /** @enum {string} */
                            ownership: "corporate" | "personal";
                            /** @enum {string} */
                            enrollmentState: "pending" | "enrolled" | "unenrolled" | "retired";
                            name: string;
                            serialNumber: string | null;
                            udid: string | null;
                            hardwareId: string | null;
                            imei: string | null;
                            model: string | null;
                            osVersion: string | null;
                            assignedUser: string | null;
                            /** @enum {string} */
                            complianceState: "unknown" | "compliant" | "noncompliant";
                            lastSeenAt: string | null;
                            enrolledAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The device’s command timeline, newest first */
        get: {
            parameters: {
                query: {
                    limit: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                commandId: string;
                                type: string;
                                kind: string;
                                state: string;
                                /** Format: date-time */
                                createdAt: string;
                                sentAt: string | null;
                                completedAt: string | null;
                                result: unknown;
                                createdBy: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List groups */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                description: string | null;
                                kind: "static" | "smart";
                                filter: {
                                    [key: string]: unknown;
                                } | null;
                                memberCount: number;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a static or smart group */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        description?: string | null;
                        kind: "static" | "smart";
                        filter?: {
                            platform?: ("ios" | "ipados" | "macos" | "windows" | "android" | "linux")[];
                            ownership?: ("corporate" | "personal")[];
                            enrollmentState?: ("pending" | "enrolled" | "unenrolled" | "retired")[];
                            complianceState?: ("unknown" | "compliant" | "noncompliant")[];
                            osVersionBelow?: string;
                            osVersionAtLeast?: string;
                            model?: string[];
                            osVersion?: string[];
                            deliveryState?: ("queued" | "sent" | "acknowledged" | "error" | "not_now" | "expired" | "cancelled")[];
                            assignedUser?: string;
                            /** Format: date-time */
                            lastSeenBefore?: string;
                            /** Format: date-time */
                            lastSeenAfter?: string;
                            /** Format: uuid */
                            groupId?: string;
                            search?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            description: string | null;
                            kind: "static" | "smart";
                            filter: {
                                [key: string]: unknown;
                            } | null;
                            memberCount: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a group */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            description: string | null;
                            kind: "static" | "smart";
                            filter: {
                                [key: string]: unknown;
                            } | null;
                            memberCount: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a group (devices stay) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a group, change its description, or change a smart group’s filter */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        description?: string | null;
                        filter?: {
                            platform?: ("ios" | "ipados" | "macos" | "windows" | "android" | "linux")[];
                            ownership?: ("corporate" | "personal")[];
                            enrollmentState?: ("pending" | "enrolled" | "unenrolled" | "retired")[];
                            complianceState?: ("unknown" | "compliant" | "noncompliant")[];
                            osVersionBelow?: string;
                            osVersionAtLeast?: string;
                            model?: string[];
                            osVersion?: string[];
                            deliveryState?: ("queued" | "sent" | "acknowledged" | "error" | "not_now" | "expired" | "cancelled")[];
                            assignedUser?: string;
                            /** Format: date-time */
                            lastSeenBefore?: string;
                            /** Format: date-time */
                            lastSeenAfter?: string;
                            /** Format: uuid */
                            groupId?: string;
                            search?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            description: string | null;
                            kind: "static" | "smart";
                            filter: {
                                [key: string]: unknown;
                            } | null;
                            memberCount: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/groups/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Count the devices a smart-group filter would hold, without saving anything */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        filter: {
                            platform?: ("ios" | "ipados" | "macos" | "windows" | "android" | "linux")[];
                            ownership?: ("corporate" | "personal")[];
                            enrollmentState?: ("pending" | "enrolled" | "unenrolled" | "retired")[];
                            complianceState?: ("unknown" | "compliant" | "noncompliant")[];
                            osVersionBelow?: string;
                            osVersionAtLeast?: string;
                            model?: string[];
                            osVersion?: string[];
                            deliveryState?: ("queued" | "sent" | "acknowledged" | "error" | "not_now" | "expired" | "cancelled")[];
                            assignedUser?: string;
                            /** Format: date-time */
                            lastSeenBefore?: string;
                            /** Format: date-time */
                            lastSeenAfter?: string;
                            /** Format: uuid */
                            groupId?: string;
                            search?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            count: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add devices to and remove devices from a static group */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        add?: string[];
                        remove?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            added: number;
                            removed: number;
                            memberCount: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List commands, newest first */
        get: {
            parameters: {
                query: {
                    deviceId?: string;
                    type?: string;
                    cursor?: string;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                kind: "intent" | "raw";
                                type: string;
                                platform: string | null;
                                params: unknown;
                                target: unknown;
                                deviceCount: number;
                                counts: {
                                    [key: string]: number;
                                };
                                createdBy: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                expiresAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Send a command to one device, a list, a group or a filter
         * @description `type` is an intent (lock, wipe, restart, shutdown, locate, enable_lost_mode, disable_lost_mode, play_lost_mode_sound, clear_passcode, refresh_inventory, install_profile, remove_profile, install_app, remove_app, os_update, run_script, apply_configuration, remove_configuration) with its `params`, or `raw` with `platform` and `payload`. Devices the command can't apply to are skipped and counted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        type: "lock" | "wipe" | "restart" | "shutdown" | "locate" | "enable_lost_mode" | "disable_lost_mode" | "play_lost_mode_sound" | "clear_passcode" | "refresh_inventory" | "install_profile" | "remove_profile" | "install_app" | "remove_app" | "os_update" | "run_script" | "apply_configuration" | "remove_configuration" | "raw";
                        params?: {
                            [key: string]: unknown;
                        };
                        platform?: "apple" | "windows" | "android" | "agent";
                        payload?: {
                            [key: string]: unknown;
                        };
                        target: {
                            deviceIds: string[];
                        } | {
                            /** Format: uuid */
                            groupId: string;
                        } | {
                            filter: {
                                platform?: ("ios" | "ipados" | "macos" | "windows" | "android" | "linux")[];
                                ownership?: ("corporate" | "personal")[];
                                enrollmentState?: ("pending" | "enrolled" | "unenrolled" | "retired")[];
                                complianceState?: ("unknown" | "compliant" | "noncompliant")[];
                                osVersionBelow?: string;
                                osVersionAtLeast?: string;
                                model?: string[];
                                osVersion?: string[];
                                deliveryState?: ("queued" | "sent" | "acknowledged" | "error" | "not_now" | "expired" | "cancelled")[];
                                assignedUser?: string;
                                /** Format: date-time */
                                lastSeenBefore?: string;
                                /** Format: date-time */
                                lastSeenAfter?: string;
                                /** Format: uuid */
                                groupId?: string;
                                search?: string;
                            };
                        };
                        ttlSeconds?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            command: {
                                /** Format: uuid */
                                id: string;
                                kind: "intent" | "raw";
                                type: string;
                                platform: string | null;
                                params: unknown;
                                target: unknown;
                                deviceCount: number;
                                counts: {
                                    [key: string]: number;
                                };
                                createdBy: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                expiresAt: string;
                            };
                            skipped: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A command with its per-device deliveries and results */
        get: {
            parameters: {
                query: {
                    state?: "queued" | "sent" | "acknowledged" | "error" | "not_now" | "expired" | "cancelled";
                    after?: number;
                    limit: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            command: {
                                /** Format: uuid */
                                id: string;
                                kind: "intent" | "raw";
                                type: string;
                                platform: string | null;
                                params: unknown;
                                target: unknown;
                                deviceCount: number;
                                counts: {
                                    [key: string]: number;
                                };
                                createdBy: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                expiresAt: string;
                            };
                            deliveries: {
                                /** Format: uuid */
                                deviceId: string;
                                seq: number;
                                state: string;
                                attempts: number;
                                sentAt: string | null;
                                completedAt: string | null;
                                result: unknown;
                                error: string | null;
                            }[];
                            nextAfter: number | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel the deliveries not yet sent (optionally for one device) */
        post: {
            parameters: {
                query?: {
                    deviceId?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            cancelled: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit events, newest first */
        get: {
            parameters: {
                query: {
                    actorId?: string;
                    action?: string;
                    targetType?: string;
                    targetId?: string;
                    outcome?: "success" | "denied" | "failure";
                    since?: string;
                    until?: string;
                    cursor?: string;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: date-time */
                                at: string;
                                actor: {
                                    type: string;
                                    id: string | null;
                                    label: string | null;
                                };
                                action: string;
                                target: {
                                    type: string | null;
                                    id: string | null;
                                };
                                outcome: "success" | "denied" | "failure";
                                statusCode: number | null;
                                requestId: string | null;
                                sourceIp: string | null;
                                details: unknown;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export matching audit events as CSV (at most 100,000 rows, newest first) */
        get: {
            parameters: {
                query?: {
                    actorId?: string;
                    action?: string;
                    targetType?: string;
                    targetId?: string;
                    outcome?: "success" | "denied" | "failure";
                    since?: string;
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enrollments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List enrollments */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                platform: "apple" | "windows" | "android" | "agent";
                                /** @enum {string} */
                                ownership: "corporate" | "personal";
                                groupId: string | null;
                                assignedUser: string | null;
                                maxUses: number | null;
                                uses: number;
                                expiresAt: string | null;
                                revokedAt: string | null;
                                active: boolean;
                                /** Format: date-time */
                                createdAt: string;
                                /** @description The link a user opens on the device */
                                url: string;
                                /** @description Apple: the enrollment profile itself */
                                profileUrl: string | null;
                                /** @description The link as a QR code (SVG) */
                                qrCodeSvg: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an enrollment link (and QR code) for a platform, target group and ownership */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @enum {string} */
                        platform: "apple" | "windows" | "android" | "agent";
                        /** @enum {string} */
                        ownership: "corporate" | "personal";
                        /** Format: uuid */
                        groupId?: string;
                        assignedUser?: string;
                        maxUses?: number;
                        /** Format: date-time */
                        expiresAt?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            platform: "apple" | "windows" | "android" | "agent";
                            /** @enum {string} */
                            ownership: "corporate" | "personal";
                            groupId: string | null;
                            assignedUser: string | null;
                            maxUses: number | null;
                            uses: number;
                            expiresAt: string | null;
                            revokedAt: string | null;
                            active: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description The link a user opens on the device */
                            url: string;
                            /** @description Apple: the enrollment profile itself */
                            profileUrl: string | null;
                            /** @description The link as a QR code (SVG) */
                            qrCodeSvg: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enrollments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an enrollment */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            platform: "apple" | "windows" | "android" | "agent";
                            /** @enum {string} */
                            ownership: "corporate" | "personal";
                            groupId: string | null;
                            assignedUser: string | null;
                            maxUses: number | null;
                            uses: number;
                            expiresAt: string | null;
                            revokedAt: string | null;
                            active: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description The link a user opens on the device */
                            url: string;
                            /** @description Apple: the enrollment profile itself */
                            profileUrl: string | null;
                            /** @description The link as a QR code (SVG) */
                            qrCodeSvg: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enrollments/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an enrollment link; enrolled devices stay */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            platform: "apple" | "windows" | "android" | "agent";
                            /** @enum {string} */
                            ownership: "corporate" | "personal";
                            groupId: string | null;
                            assignedUser: string | null;
                            maxUses: number | null;
                            uses: number;
                            expiresAt: string | null;
                            revokedAt: string | null;
                            active: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description The link a user opens on the device */
                            url: string;
                            /** @description Apple: the enrollment profile itself */
                            profileUrl: string | null;
                            /** @description The link as a QR code (SVG) */
                            qrCodeSvg: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Fleet figures: devices by platform, OS version and compliance, enrollments per day, devices needing attention, pending commands
         * @description Compliance is the current split only: a compliance history (rate over time) is not recorded yet. Each figure matches a device-list filter, so the console can link to the devices it counts. A node reuses its figures for up to 10 s while the fleet is unchanged, 3 s otherwise (see generatedAt).
         */
        get: {
            parameters: {
                query: {
                    staleDays: number;
                    enrollmentDays: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            generatedAt: string;
                            total: number;
                            byPlatform: {
                                platform: string;
                                count: number;
                            }[];
                            byOsVersion: {
                                platform: string;
                                osVersion: string | null;
                                count: number;
                            }[];
                            otherOsVersions: number;
                            byCompliance: {
                                state: string;
                                count: number;
                            }[];
                            enrollments: {
                                /** @description UTC day, YYYY-MM-DD */
                                day: string;
                                count: number;
                            }[];
                            attention: {
                                noncompliant: number;
                                /** @description Enrolled devices not seen since staleBefore */
                                stale: number;
                                /** Format: date-time */
                                staleBefore: string;
                                /** @description Devices with a command that ended in error */
                                failedCommands: number;
                            };
                            pending: {
                                deliveries: number;
                                devices: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export the devices matching a filter as CSV (id order) */
        get: {
            parameters: {
                query?: {
                    platform?: string;
                    ownership?: string;
                    enrollmentState?: string;
                    complianceState?: string;
                    osVersionBelow?: string;
                    osVersionAtLeast?: string;
                    model?: string;
                    /** @description An exact OS version as reported, e.g. 18.2.1. */
                    osVersion?: string;
                    deliveryState?: string;
                    assignedUser?: string;
                    lastSeenBefore?: string;
                    lastSeenAfter?: string;
                    groupId?: string;
                    search?: string;
                    sort?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/saved-views": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My saved device-list views */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                query: {
                                    [key: string]: string;
                                };
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Save a device-list view */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        query: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            query: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/saved-views/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a saved view */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a saved view or replace its query */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        query?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            query: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live changes as server-sent events (device.changed, command.changed, resync)
         * @description A text/event-stream. Each event carries an id; reconnect with the Last-Event-ID header (or lastEventId) to receive what changed meanwhile. Events are invalidation hints, delivered at least once. A comment line is sent every 15 s.
         */
        get: {
            parameters: {
                query?: {
                    lastEventId?: string;
                    /** @description Send what changed since lastEventId, then end the response (for clients that poll). */
                    once?: boolean;
                };
                header?: {
                    "last-event-id"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
