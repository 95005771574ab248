import { Anchor, type AnchorProps } from '@mantine/core';
import { createLink } from '@tanstack/react-router';
import type { AnchorHTMLAttributes, Ref } from 'react';

/** A Mantine anchor that navigates within the console, with the router's typed `to` and `params`. */
export const AnchorLink = createLink(({ ref, ...props }: AnchorProps & AnchorHTMLAttributes<HTMLAnchorElement> & { ref?: Ref<HTMLAnchorElement> }) => (
  <Anchor ref={ref} {...props} />
));
