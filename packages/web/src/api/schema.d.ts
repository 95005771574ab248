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
    "/api/v1/windows/devices/{id}/bitlocker-recovery-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A Windows device's escrowed BitLocker recovery key (every view is audited) */
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
                            deviceId: string;
                            recoveryPassword: string;
                            keyProtectorId: string | null;
                            escrowedAt: string;
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
    "/api/v1/android/enterprise": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Android enterprise binding and its Pub/Sub push endpoint */
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
                            credentialsUploaded: boolean;
                            clientEmail: string | null;
                            projectId: string | null;
                            bound: boolean;
                            enterpriseName: string | null;
                            displayName: string | null;
                            pubsubTopic: string | null;
                            notificationTypes: string[];
                            boundAt: string | null;
                            /** @description The URL to give the Pub/Sub push subscription (it carries a secret: treat it as one) */
                            pushEndpoint: string;
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
    "/api/v1/android/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upload the Google Cloud service-account key (JSON) Steward calls the Android Management API with; stored sealed */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        serviceAccount: {
                            [key: string]: unknown;
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
                            credentialsUploaded: boolean;
                            clientEmail: string | null;
                            projectId: string | null;
                            bound: boolean;
                            enterpriseName: string | null;
                            displayName: string | null;
                            pubsubTopic: string | null;
                            notificationTypes: string[];
                            boundAt: string | null;
                            /** @description The URL to give the Pub/Sub push subscription (it carries a secret: treat it as one) */
                            pushEndpoint: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/android/signup-url": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start binding an enterprise: a Google sign-up URL whose callback returns to Steward */
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
                        pubsubTopic?: string;
                        displayName?: string;
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
                            url: string;
                            name: string;
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
    "/api/v1/android/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Point the enterprise’s notifications at a Pub/Sub topic */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        pubsubTopic: string;
                        notificationTypes?: ("ENROLLMENT" | "STATUS_REPORT" | "COMMAND" | "USAGE_LOGS")[];
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
                            credentialsUploaded: boolean;
                            clientEmail: string | null;
                            projectId: string | null;
                            bound: boolean;
                            enterpriseName: string | null;
                            displayName: string | null;
                            pubsubTopic: string | null;
                            notificationTypes: string[];
                            boundAt: string | null;
                            /** @description The URL to give the Pub/Sub push subscription (it carries a secret: treat it as one) */
                            pushEndpoint: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/android/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reconcile now: list every device of the enterprise and update Steward’s view */
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
                            seen: number;
                            missing: number;
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
    "/api/v1/android/enrollment-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Android enrollment tokens */
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
                                ownership: "corporate" | "personal";
                                mode: "fully_managed" | "work_profile";
                                groupId: string | null;
                                assignedUser: string | null;
                                oneTime: boolean;
                                uses: number;
                                /** Format: date-time */
                                expiresAt: string;
                                revokedAt: string | null;
                                active: boolean;
                                /** Format: date-time */
                                createdAt: string;
                                /** @description The enrollment token a user types in at setup (afw#setup flow) */
                                token: string;
                                /** @description Opening this on a personal device creates the work profile */
                                enrollmentLink: string;
                                /** @description The provisioning JSON Google returned; the QR images encode it */
                                qrCode: string;
                                /** @description Path of the QR code as PNG */
                                qrCodePng: string;
                                /** @description Path of the QR code as SVG */
                                qrCodeSvg: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an Android enrollment token (QR code and link) for a target group and ownership */
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
                        ownership: "corporate" | "personal";
                        mode?: "fully_managed" | "work_profile";
                        /** Format: uuid */
                        groupId?: string;
                        assignedUser?: string;
                        oneTime?: boolean;
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
                            ownership: "corporate" | "personal";
                            mode: "fully_managed" | "work_profile";
                            groupId: string | null;
                            assignedUser: string | null;
                            oneTime: boolean;
                            uses: number;
                            /** Format: date-time */
                            expiresAt: string;
                            revokedAt: string | null;
                            active: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description The enrollment token a user types in at setup (afw#setup flow) */
                            token: string;
                            /** @description Opening this on a personal device creates the work profile */
                            enrollmentLink: string;
                            /** @description The provisioning JSON Google returned; the QR images encode it */
                            qrCode: string;
                            /** @description Path of the QR code as PNG */
                            qrCodePng: string;
                            /** @description Path of the QR code as SVG */
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
    "/api/v1/android/enrollment-tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an Android enrollment token */
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
                            ownership: "corporate" | "personal";
                            mode: "fully_managed" | "work_profile";
                            groupId: string | null;
                            assignedUser: string | null;
                            oneTime: boolean;
                            uses: number;
                            /** Format: date-time */
                            expiresAt: string;
                            revokedAt: string | null;
                            active: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description The enrollment token a user types in at setup (afw#setup flow) */
                            token: string;
                            /** @description Opening this on a personal device creates the work profile */
                            enrollmentLink: string;
                            /** @description The provisioning JSON Google returned; the QR images encode it */
                            qrCode: string;
                            /** @description Path of the QR code as PNG */
                            qrCodePng: string;
                            /** @description Path of the QR code as SVG */
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
    "/api/v1/android/enrollment-tokens/{id}/qr.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The provisioning QR code (PNG) */
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
    "/api/v1/android/enrollment-tokens/{id}/qr.svg": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The provisioning QR code (SVG) */
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
    "/api/v1/android/enrollment-tokens/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an Android enrollment token (deleted at Google); enrolled devices stay */
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
                            ownership: "corporate" | "personal";
                            mode: "fully_managed" | "work_profile";
                            groupId: string | null;
                            assignedUser: string | null;
                            oneTime: boolean;
                            uses: number;
                            /** Format: date-time */
                            expiresAt: string;
                            revokedAt: string | null;
                            active: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description The enrollment token a user types in at setup (afw#setup flow) */
                            token: string;
                            /** @description Opening this on a personal device creates the work profile */
                            enrollmentLink: string;
                            /** @description The provisioning JSON Google returned; the QR images encode it */
                            qrCode: string;
                            /** @description Path of the QR code as PNG */
                            qrCodePng: string;
                            /** @description Path of the QR code as SVG */
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
    "/api/v1/compliance/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List compliance rules with their groups */
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
                                type: string;
                                params: {
                                    [key: string]: unknown;
                                };
                                enabled: boolean;
                                gracePeriodSeconds: number;
                                actions: {
                                    notify: boolean;
                                    email: string[];
                                    lock: boolean;
                                    retire: boolean;
                                };
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
        /** Create a compliance rule and assign it to groups */
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
                        type: "policy_installed" | "os_version_at_least" | "encrypted" | "passcode_set" | "not_compromised" | "checked_in_within_days" | "required_apps_present" | "blocked_apps_absent" | "firewall_enabled";
                        params?: {
                            itemId?: string;
                            version?: string;
                            days?: number;
                            identifiers?: string[];
                            platforms?: ("ios" | "ipados" | "macos" | "windows" | "android" | "linux")[];
                            unknownAs?: "unknown" | "compliant" | "noncompliant";
                        };
                        enabled?: boolean;
                        gracePeriodSeconds?: number;
                        actions?: {
                            /** @description Publish a compliance.grace_expired event to webhooks */
                            notify?: boolean;
                            email?: string[];
                            lock?: boolean;
                            retire?: boolean;
                        };
                        groupIds?: string[];
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
                            type: string;
                            params: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            gracePeriodSeconds: number;
                            actions: {
                                notify: boolean;
                                email: string[];
                                lock: boolean;
                                retire: boolean;
                            };
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
    "/api/v1/compliance/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a compliance rule */
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
                            type: string;
                            params: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            gracePeriodSeconds: number;
                            actions: {
                                notify: boolean;
                                email: string[];
                                lock: boolean;
                                retire: boolean;
                            };
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
        put?: never;
        post?: never;
        /** Delete a compliance rule */
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
        /** Change a compliance rule, or its group assignment (groupIds replaces the list) */
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
                        params?: {
                            itemId?: string;
                            version?: string;
                            days?: number;
                            identifiers?: string[];
                            platforms?: ("ios" | "ipados" | "macos" | "windows" | "android" | "linux")[];
                            unknownAs?: "unknown" | "compliant" | "noncompliant";
                        };
                        enabled?: boolean;
                        gracePeriodSeconds?: number;
                        actions?: {
                            /** @description Publish a compliance.grace_expired event to webhooks */
                            notify?: boolean;
                            email?: string[];
                            lock?: boolean;
                            retire?: boolean;
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
                            name: string;
                            type: string;
                            params: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            gracePeriodSeconds: number;
                            actions: {
                                notify: boolean;
                                email: string[];
                                lock: boolean;
                                retire: boolean;
                            };
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
        trace?: never;
    };
    "/api/v1/compliance/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue a full re-evaluation of every device (runs in the background) */
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
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            queued: boolean;
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
    "/api/v1/compliance/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Fleet compliance: enrolled devices per state, violations per rule, and the daily series */
        get: {
            parameters: {
                query: {
                    days: number;
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
                            compliant: number;
                            noncompliant: number;
                            unknown: number;
                            total: number;
                            rate: number | null;
                            violationsByRule: {
                                /** Format: uuid */
                                ruleId: string;
                                rule: string;
                                devices: number;
                            }[];
                            daily: {
                                day: string;
                                compliant: number;
                                noncompliant: number;
                                unknown: number;
                                total: number;
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
    "/api/v1/compliance/noncompliant-at": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Devices that were in a compliance state at a moment in the past ("who was non-compliant last Tuesday") */
        get: {
            parameters: {
                query: {
                    at: string;
                    state: "noncompliant" | "compliant" | "unknown";
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
                            at: string;
                            state: string;
                            deviceIds: string[];
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
    "/api/v1/devices/{id}/compliance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A device’s compliance: state, reasons, open violations and history (newest first) */
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
                            /** Format: uuid */
                            deviceId: string;
                            state: string;
                            reasons: {
                                ruleId: string;
                                rule: string;
                                type: string;
                                outcome: string;
                                message: string;
                            }[];
                            evaluatedAt: string | null;
                            violations: {
                                /** Format: uuid */
                                ruleId: string;
                                /** Format: date-time */
                                since: string;
                                /** Format: date-time */
                                actionsDueAt: string;
                                actionsFired: string[] | null;
                            }[];
                            history: {
                                /** Format: date-time */
                                at: string;
                                state: string;
                                previousState: string | null;
                                reasons: {
                                    ruleId: string;
                                    rule: string;
                                    type: string;
                                    outcome: string;
                                    message: string;
                                }[];
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
    "/api/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The reports Steward can produce */
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
                                name: string;
                                title: string;
                                description: string;
                                columns: string[];
                                filterable: boolean;
                                dateRange: boolean;
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
    "/api/v1/reports/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Run a report: JSON, CSV (RFC 4180, streamed) or PDF */
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
                    /** @description One of json, csv, pdf */
                    format?: "json" | "csv" | "pdf";
                    from?: string;
                    to?: string;
                };
                header?: never;
                path: {
                    name: "inventory" | "compliance" | "compliance-history" | "apps" | "os-versions" | "violations" | "command-outcomes" | "audit";
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
                            report: string;
                            title: string;
                            /** Format: date-time */
                            generatedAt: string;
                            columns: string[];
                            rows: unknown[][];
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
    "/api/v1/report-schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List report schedules */
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
                                report: string;
                                filter: {
                                    [key: string]: unknown;
                                };
                                rangeDays: number | null;
                                format: string;
                                interval: string;
                                destination: {
                                    [key: string]: unknown;
                                };
                                enabled: boolean;
                                /** Format: date-time */
                                nextRunAt: string;
                                lastRunAt: string | null;
                                lastStatus: string | null;
                                lastError: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Schedule a report for daily or weekly delivery by e-mail or to a webhook */
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
                        report: "inventory" | "compliance" | "compliance-history" | "apps" | "os-versions" | "violations" | "command-outcomes" | "audit";
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
                        rangeDays?: number;
                        /** @description One of json, csv, pdf */
                        format: "json" | "csv" | "pdf";
                        interval: "daily" | "weekly";
                        destination: {
                            /** @enum {string} */
                            type: "email";
                            to: string[];
                        } | {
                            /** @enum {string} */
                            type: "webhook";
                            /** Format: uuid */
                            webhookId: string;
                        };
                        enabled?: boolean;
                        /** Format: date-time */
                        startAt?: string;
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
                            report: string;
                            filter: {
                                [key: string]: unknown;
                            };
                            rangeDays: number | null;
                            format: string;
                            interval: string;
                            destination: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            /** Format: date-time */
                            nextRunAt: string;
                            lastRunAt: string | null;
                            lastStatus: string | null;
                            lastError: string | null;
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
    "/api/v1/report-schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a report schedule */
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
        /** Change a report schedule */
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
                        report?: "inventory" | "compliance" | "compliance-history" | "apps" | "os-versions" | "violations" | "command-outcomes" | "audit";
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
                        rangeDays?: number;
                        /** @description One of json, csv, pdf */
                        format?: "json" | "csv" | "pdf";
                        interval?: "daily" | "weekly";
                        destination?: {
                            /** @enum {string} */
                            type: "email";
                            to: string[];
                        } | {
                            /** @enum {string} */
                            type: "webhook";
                            /** Format: uuid */
                            webhookId: string;
                        };
                        enabled?: boolean;
                        /** Format: date-time */
                        startAt?: string;
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
                            report: string;
                            filter: {
                                [key: string]: unknown;
                            };
                            rangeDays: number | null;
                            format: string;
                            interval: string;
                            destination: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            /** Format: date-time */
                            nextRunAt: string;
                            lastRunAt: string | null;
                            lastStatus: string | null;
                            lastError: string | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/report-schedules/{id}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a schedule now (its regular runs are unchanged) */
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
                            report: string;
                            filter: {
                                [key: string]: unknown;
                            };
                            rangeDays: number | null;
                            format: string;
                            interval: string;
                            destination: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            /** Format: date-time */
                            nextRunAt: string;
                            lastRunAt: string | null;
                            lastStatus: string | null;
                            lastError: string | null;
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
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhooks */
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
                                url: string;
                                eventTypes: string[];
                                enabled: boolean;
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
        /** Register a webhook; the response carries its signing secret, shown only this once */
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
                        url: string;
                        eventTypes: ("*" | "device.enrolled" | "device.unenrolled" | "device.retired" | "command.failed" | "compliance.changed" | "compliance.grace_expired" | "policy.failed" | "report.delivered" | "webhook.test")[];
                        enabled?: boolean;
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
                            url: string;
                            eventTypes: string[];
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
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
    "/api/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook */
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
                            url: string;
                            eventTypes: string[];
                            enabled: boolean;
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
        /** Delete a webhook and its delivery log */
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
        /** Change a webhook’s name, URL, event types or whether it is enabled */
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
                        url?: string;
                        eventTypes?: ("*" | "device.enrolled" | "device.unenrolled" | "device.retired" | "command.failed" | "compliance.changed" | "compliance.grace_expired" | "policy.failed" | "report.delivered" | "webhook.test")[];
                        enabled?: boolean;
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
                            url: string;
                            eventTypes: string[];
                            enabled: boolean;
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
    "/api/v1/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a webhook.test event to this webhook (delivered like any other) */
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
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            deliveryId: string;
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
    "/api/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log, newest first, with every attempt (status code, duration, error) */
        get: {
            parameters: {
                query: {
                    cursor?: string;
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
                                id: string;
                                eventId: string;
                                eventType: string;
                                state: string;
                                attempts: number;
                                nextAttemptAt: string | null;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                                log: {
                                    attempt: number;
                                    /** Format: date-time */
                                    at: string;
                                    statusCode: number | null;
                                    durationMs: number;
                                    error: string | null;
                                }[];
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
    "/api/v1/policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List policies (by priority) */
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
                                priority: number;
                                settings: {
                                    [key: string]: unknown;
                                };
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
        /**
         * Create a policy
         * @description Security settings merge strictest-wins across policies; the rest comes from the lowest `priority` (ties: older). See docs/policies.md.
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
                        name: string;
                        description?: string | null;
                        priority?: number;
                        settings: {
                            passcode?: {
                                required?: boolean;
                                minLength?: number;
                                complexity?: "any" | "numeric" | "alphanumeric" | "complex";
                                maxInactivityMinutes?: number;
                                maxFailedAttempts?: number;
                                historyCount?: number;
                                maxAgeDays?: number;
                            };
                            encryption?: {
                                required: boolean;
                            };
                            restrictions?: {
                                camera?: boolean;
                                screenCapture?: boolean;
                                appInstalls?: boolean;
                                usbStorage?: boolean;
                                bluetooth?: boolean;
                                appStore?: boolean;
                                accountChanges?: boolean;
                            };
                            wifi?: {
                                ssid: string;
                                security: "open" | "wpa2-personal" | "wpa3-personal" | "wpa2-enterprise";
                                password?: string;
                                eap?: {
                                    method: "tls" | "peap" | "ttls";
                                    identityCertificate?: boolean;
                                    username?: string;
                                };
                                autoJoin?: boolean;
                                hidden?: boolean;
                            }[];
                            vpn?: {
                                name: string;
                                type: "ikev2" | "l2tp" | "wireguard";
                                server: string;
                                authentication: "certificate" | "password";
                                username?: string;
                                fullTunnel?: boolean;
                            }[];
                            certificates?: {
                                trustedRoots?: {
                                    name: string;
                                    pem: string;
                                }[];
                                identity?: boolean;
                            };
                            email?: {
                                name: string;
                                type: "imap" | "exchange";
                                address: string;
                                host: string;
                                port?: number;
                                ssl?: boolean;
                                smtpHost?: string;
                            }[];
                            webFilter?: {
                                allow?: string[];
                                deny?: string[];
                            };
                            osUpdate?: {
                                minimumVersion: string;
                                /** Format: date-time */
                                deadline?: string;
                            };
                            apps?: {
                                identifier: string;
                                install: "required" | "available" | "blocked";
                                configuration?: {
                                    [key: string]: unknown;
                                };
                            }[];
                            kiosk?: {
                                app: string;
                            };
                        };
                        groupIds?: string[];
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
                            priority: number;
                            settings: {
                                [key: string]: unknown;
                            };
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
    "/api/v1/policies/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a policy */
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
                            priority: number;
                            settings: {
                                [key: string]: unknown;
                            };
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
        put?: never;
        post?: never;
        /** Delete a policy (what it installed is removed) */
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
        /** Change a policy (devices it is assigned to are reconciled) */
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
                        priority?: number;
                        settings?: {
                            passcode?: {
                                required?: boolean;
                                minLength?: number;
                                complexity?: "any" | "numeric" | "alphanumeric" | "complex";
                                maxInactivityMinutes?: number;
                                maxFailedAttempts?: number;
                                historyCount?: number;
                                maxAgeDays?: number;
                            };
                            encryption?: {
                                required: boolean;
                            };
                            restrictions?: {
                                camera?: boolean;
                                screenCapture?: boolean;
                                appInstalls?: boolean;
                                usbStorage?: boolean;
                                bluetooth?: boolean;
                                appStore?: boolean;
                                accountChanges?: boolean;
                            };
                            wifi?: {
                                ssid: string;
                                security: "open" | "wpa2-personal" | "wpa3-personal" | "wpa2-enterprise";
                                password?: string;
                                eap?: {
                                    method: "tls" | "peap" | "ttls";
                                    identityCertificate?: boolean;
                                    username?: string;
                                };
                                autoJoin?: boolean;
                                hidden?: boolean;
                            }[];
                            vpn?: {
                                name: string;
                                type: "ikev2" | "l2tp" | "wireguard";
                                server: string;
                                authentication: "certificate" | "password";
                                username?: string;
                                fullTunnel?: boolean;
                            }[];
                            certificates?: {
                                trustedRoots?: {
                                    name: string;
                                    pem: string;
                                }[];
                                identity?: boolean;
                            };
                            email?: {
                                name: string;
                                type: "imap" | "exchange";
                                address: string;
                                host: string;
                                port?: number;
                                ssl?: boolean;
                                smtpHost?: string;
                            }[];
                            webFilter?: {
                                allow?: string[];
                                deny?: string[];
                            };
                            osUpdate?: {
                                minimumVersion: string;
                                /** Format: date-time */
                                deadline?: string;
                            };
                            apps?: {
                                identifier: string;
                                install: "required" | "available" | "blocked";
                                configuration?: {
                                    [key: string]: unknown;
                                };
                            }[];
                            kiosk?: {
                                app: string;
                            };
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
                            priority: number;
                            settings: {
                                [key: string]: unknown;
                            };
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
        trace?: never;
    };
    "/api/v1/policies/{id}/assignments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the groups (static or smart) a policy is assigned to */
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
                        groupIds: string[];
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
                            groupIds: string[];
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/policies/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What a device would receive with this policy
         * @description With `deviceId`: the device’s effective policy if this policy were assigned to it too (merged with what it already has), translated for its channel, and the items the reconciler would send. With `platform` (and `ownership`, `channel`): this policy alone, translated for such a device.
         */
        get: {
            parameters: {
                query?: {
                    deviceId?: string;
                    platform?: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                    ownership?: "corporate" | "personal";
                    channel?: "apple" | "windows" | "android" | "agent";
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
                            deviceId: string | null;
                        } & {
                            platform: string;
                            channel: string;
                            ownership: string;
                            policies: {
                                /** Format: uuid */
                                policyId: string;
                                policyName: string;
                            }[];
                            settings: {
                                [key: string]: unknown;
                            };
                            sources: {
                                [key: string]: {
                                    /** Format: uuid */
                                    policyId: string;
                                    policyName: string;
                                };
                            };
                            translation: {
                                channel: string;
                                supported: boolean;
                                reason?: string;
                                payload?: unknown;
                                unsupported: {
                                    setting: string;
                                    reason: string;
                                }[];
                            };
                            profiles: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                channel: string;
                            }[];
                            apps: {
                                identifier: string;
                                install: string;
                                appId: string | null;
                                name: string;
                                source: string;
                                configuration?: unknown;
                            }[];
                            osTarget: {
                                minimumVersion: string;
                                deadline: string | null;
                            } | null;
                            items: {
                                key: string;
                                itemType: string;
                                itemId: string;
                                name: string;
                                version: string;
                                presence: string;
                                command: string;
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
    "/api/v1/devices/{id}/effective-policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A device’s effective policy: merged settings with the source of each value, raw profiles, the channel’s translation, apps, OS target and states */
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
                            deviceId: string;
                            states: {
                                key: string;
                                itemType: string;
                                itemId: string;
                                name: string;
                                state: string;
                                desiredVersion: string | null;
                                installedVersion: string | null;
                                reason: string | null;
                                attempts: number;
                                commandId: string | null;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                        } & {
                            platform: string;
                            channel: string;
                            ownership: string;
                            policies: {
                                /** Format: uuid */
                                policyId: string;
                                policyName: string;
                            }[];
                            settings: {
                                [key: string]: unknown;
                            };
                            sources: {
                                [key: string]: {
                                    /** Format: uuid */
                                    policyId: string;
                                    policyName: string;
                                };
                            };
                            translation: {
                                channel: string;
                                supported: boolean;
                                reason?: string;
                                payload?: unknown;
                                unsupported: {
                                    setting: string;
                                    reason: string;
                                }[];
                            };
                            profiles: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                channel: string;
                            }[];
                            apps: {
                                identifier: string;
                                install: string;
                                appId: string | null;
                                name: string;
                                source: string;
                                configuration?: unknown;
                            }[];
                            osTarget: {
                                minimumVersion: string;
                                deadline: string | null;
                            } | null;
                            items: {
                                key: string;
                                itemType: string;
                                itemId: string;
                                name: string;
                                version: string;
                                presence: string;
                                command: string;
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
    "/api/v1/profiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List raw platform profiles */
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
                                channel: string;
                                identifier: string | null;
                                validated: boolean;
                                content: string;
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
        /** Upload a raw platform profile (.mobileconfig XML, SyncML, AMAPI JSON, …), checked by its channel */
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
                        channel: "apple" | "windows" | "android" | "agent";
                        content: string;
                        groupIds?: string[];
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
                            channel: string;
                            identifier: string | null;
                            validated: boolean;
                            content: string;
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
    "/api/v1/profiles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a raw profile */
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
                            channel: string;
                            identifier: string | null;
                            validated: boolean;
                            content: string;
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
        put?: never;
        post?: never;
        /** Delete a raw profile (devices remove it) */
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
        /** Rename a raw profile or replace its content */
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
                        content?: string;
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
                            channel: string;
                            identifier: string | null;
                            validated: boolean;
                            content: string;
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
        trace?: never;
    };
    "/api/v1/profiles/{id}/assignments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the groups a raw profile is assigned to */
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
                        groupIds: string[];
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
                            groupIds: string[];
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The app catalogue */
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
                                platform: string;
                                kind: "store" | "package";
                                identifier: string;
                                version: string | null;
                                fileName: string | null;
                                sha256: string | null;
                                size: number | null;
                                assignments: {
                                    /** Format: uuid */
                                    groupId: string;
                                    install: string;
                                    configuration?: unknown;
                                }[];
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a store app by its identifier (bundle id, App Store id, package name, winget id, Debian package) */
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
                        platform: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                        identifier: string;
                        version?: string | null;
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
                            platform: string;
                            kind: "store" | "package";
                            identifier: string;
                            version: string | null;
                            fileName: string | null;
                            sha256: string | null;
                            size: number | null;
                            assignments: {
                                /** Format: uuid */
                                groupId: string;
                                install: string;
                                configuration?: unknown;
                            }[];
                            /** Format: date-time */
                            createdAt: string;
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
    "/api/v1/apps/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One catalogue entry */
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
                            platform: string;
                            kind: "store" | "package";
                            identifier: string;
                            version: string | null;
                            fileName: string | null;
                            sha256: string | null;
                            size: number | null;
                            assignments: {
                                /** Format: uuid */
                                groupId: string;
                                install: string;
                                configuration?: unknown;
                            }[];
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Remove an app from the catalogue (devices that got it as required remove it) */
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
    "/api/v1/apps/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload an enterprise package (.ipa, .pkg, .msi, .apk, .deb) with its SHA-256
         * @description The package, base64, at most 32 MiB; refused unless its SHA-256 is the one given.
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
                        name: string;
                        platform: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                        identifier: string;
                        version?: string | null;
                        fileName: string;
                        sha256: string;
                        content: string;
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
                            platform: string;
                            kind: "store" | "package";
                            identifier: string;
                            version: string | null;
                            fileName: string | null;
                            sha256: string | null;
                            size: number | null;
                            assignments: {
                                /** Format: uuid */
                                groupId: string;
                                install: string;
                                configuration?: unknown;
                            }[];
                            /** Format: date-time */
                            createdAt: string;
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
    "/api/v1/apps/{id}/package": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download an enterprise package */
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
    "/api/v1/apps/{id}/assignments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the groups an app is required, available or blocked in, with its managed configuration */
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
                        assignments: {
                            /** Format: uuid */
                            groupId: string;
                            install: "required" | "available" | "blocked";
                            configuration?: {
                                [key: string]: unknown;
                            };
                        }[];
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
                            platform: string;
                            kind: "store" | "package";
                            identifier: string;
                            version: string | null;
                            fileName: string | null;
                            sha256: string | null;
                            size: number | null;
                            assignments: {
                                /** Format: uuid */
                                groupId: string;
                                install: string;
                                configuration?: unknown;
                            }[];
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apps/{id}/states": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Install state of an app per device */
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
                            counts: {
                                [key: string]: number;
                            };
                            items: {
                                /** Format: uuid */
                                deviceId: string;
                                state: string;
                                reason: string | null;
                                /** Format: date-time */
                                updatedAt: string;
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
    "/api/v1/os-updates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OS update targets */
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
                                /** Format: uuid */
                                groupId: string;
                                platform: string;
                                minimumVersion: string;
                                deadline: string | null;
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
        /** Set the minimum OS version (and deadline) for a group and platform */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        groupId: string;
                        platform: "ios" | "ipados" | "macos" | "windows" | "android" | "linux";
                        minimumVersion: string;
                        deadline?: string | null;
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
                            /** Format: uuid */
                            groupId: string;
                            platform: string;
                            minimumVersion: string;
                            deadline: string | null;
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
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/os-updates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an OS update target */
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
    "/api/v1/os-updates/{id}/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Progress of a target: devices of the group and platform by state (installed = at or above the version) */
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
                            target: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                groupId: string;
                                platform: string;
                                minimumVersion: string;
                                deadline: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            };
                            devices: number;
                            counts: {
                                [key: string]: number;
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
