import { DockerImage } from 'aws-cdk-lib';

/**
 * How a Python UnumFunction's `entry` directory becomes its code asset.
 */
export interface PythonBundlingOptions {
  /**
   * Bundle in a container (the Lambda SAM build image of the runtime, as
   * `@aws-cdk/aws-lambda-python-alpha` does) instead of with the local
   * `pip` (`python3 -m pip`, or the Python named by the `UNUM_PYTHON`
   * environment variable). Needs Docker; use it for requirements that have
   * no binary wheel for Lambda's platform.
   * @default false
   */
  readonly useContainer?: boolean;
  /**
   * The image to bundle in, with `useContainer`.
   * @default - the runtime's SAM build image, e.g. public.ecr.aws/sam/build-python3.12
   */
  readonly image?: DockerImage;
  /**
   * Glob patterns of files in `entry` left out of the asset (and of its hash),
   * besides `__pycache__` and `*.pyc`.
   * @default - none
   */
  readonly assetExcludes?: string[];
}
