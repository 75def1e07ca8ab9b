export { Button, buttonClasses, type ButtonProps, type ButtonSize, type ButtonVariant } from "./Button";
export { IconButton, type IconButtonProps } from "./IconButton";
export { Dialog, type DialogProps } from "./Dialog";
export { Switch, Checkbox, type SwitchProps } from "./Switch";
export { Select, type SelectOption, type SelectProps } from "./Select";
export { SkipLink } from "./SkipLink";
export { LiveRegion, type LiveRegionProps } from "./LiveRegion";
export { VisuallyHidden } from "./VisuallyHidden";
